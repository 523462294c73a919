package spacetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

var clientCredentials = url.Values{"grant_type": {"client_credentials"}, "scope": {"**"}}

// demo-jwt-app proves who it is with a signed assertion at every endpoint at
// which a client authenticates, with either of its keys or its secret.
func TestPrivateKeyJWTAndClientSecretJWT(t *testing.T) {
	s := spacetest.Start(t)
	id := spacetest.DemoJWTClientID
	rsaKey, ecKey := demoRSA(t), demoEC(t)
	assertions := map[string]func(aud string) string{
		"private_key_jwt RS256": func(aud string) string {
			c := assertionClaims(s, id)
			c["aud"] = aud
			return sign(t, rsaKey, jose.RS256, nil, c)
		},
		"private_key_jwt ES256 with kid": func(aud string) string {
			c := assertionClaims(s, id)
			c["aud"] = []string{aud, "https://elsewhere.example"}
			return sign(t, ecKey, jose.ES256, map[string]any{"kid": thumbprint(t, ecKey.Public())}, c)
		},
		"private_key_jwt PS256, aud the issuer": func(string) string {
			c := assertionClaims(s, id)
			c["aud"] = s.URL
			return sign(t, rsaKey, jose.PS256, nil, c)
		},
		"client_secret_jwt HS256": func(aud string) string {
			c := assertionClaims(s, id)
			c["aud"] = aud
			return sign(t, []byte(spacetest.DemoJWTClientSecret), jose.HS256, nil, c)
		},
	}
	for name, make := range assertions {
		t.Run(name, func(t *testing.T) {
			r := post(t, nil, s.URL+"/oauth/token", withAssertion(clientCredentials, make(s.URL+"/oauth/token")), nil)
			if r.status != 200 || r.body["access_token"] == nil || r.body["token_type"] != "Bearer" {
				t.Fatalf("token: %d %v", r.status, r.body)
			}
			at := r.body["access_token"].(string)
			if c := claimsOf(t, at); c["aud"] != id || c["principal_type"] != "SERVICE" {
				t.Fatalf("the token does not act for %s: %v", id, c)
			}
			in := post(t, nil, s.URL+"/oauth/introspect", withAssertion(url.Values{"token": {at}}, make(s.URL+"/oauth/introspect")), nil)
			if in.status != 200 || in.body["active"] != true {
				t.Fatalf("introspection: %d %v", in.status, in.body)
			}
			dev := post(t, nil, s.URL+"/oauth/device", withAssertion(url.Values{"scope": {"**"}}, make(s.URL+"/oauth/token")), nil)
			if dev.status != 200 || dev.body["device_code"] == nil {
				t.Fatalf("device authorization: %d %v", dev.status, dev.body)
			}
			push := post(t, nil, s.URL+"/oauth/par", withAssertion(codeRequest(id, ""), make(s.URL+"/oauth/par")), nil)
			if push.status != 201 {
				t.Fatalf("PAR: %d %v", push.status, push.body)
			}
			rv := post(t, nil, s.URL+"/oauth/revoke", withAssertion(url.Values{"token": {at}}, make(s.URL+"/oauth/token")), nil)
			if rv.status != 200 {
				t.Fatalf("revocation: %d %v", rv.status, rv.body)
			}
			if st, _ := api(t, s, "GET", "/api/http/applications/me", at); st != 401 {
				t.Fatalf("a token revoked with an assertion still works: %d", st)
			}
		})
	}
}

// Each way an assertion can be wrong is refused with invalid_client and a
// description that names the fault.
func TestClientAssertionRefusals(t *testing.T) {
	now := time.Now()
	s := spacetest.Start(t)
	id := spacetest.DemoJWTClientID
	rsaKey := demoRSA(t)
	signed := func(edit func(c map[string]any)) string {
		c := assertionClaims(s, id)
		edit(c)
		return sign(t, rsaKey, jose.RS256, nil, c)
	}
	reused := signed(func(map[string]any) {})
	if r := post(t, nil, s.URL+"/oauth/token", withAssertion(clientCredentials, reused), nil); r.status != 200 {
		t.Fatalf("first use of the assertion: %d %v", r.status, r.body)
	}
	cases := []struct {
		name      string
		form      url.Values
		header    http.Header
		status    int
		code, why string
	}{
		{"a wrong key", withAssertion(clientCredentials, sign(t, strangerRSA(t), jose.RS256, nil, assertionClaims(s, id))),
			nil, 401, "invalid_client", "signed by a key that is not registered for demo-jwt-app"},
		{"an unknown kid", withAssertion(clientCredentials, sign(t, rsaKey, jose.RS256, map[string]any{"kid": "nope"}, assertionClaims(s, id))),
			nil, 401, "invalid_client", `names key "nope" (kid), which is not a key registered for demo-jwt-app`},
		{"a reused jti", withAssertion(clientCredentials, reused), nil, 401, "invalid_client", "the client assertion's jti was already used"},
		{"alg none", withAssertion(clientCredentials, unsignedJWT(assertionClaims(s, id))), nil, 401, "invalid_client", "is unsigned (alg none)"},
		{"HS256 with another secret", withAssertion(clientCredentials, sign(t, []byte(strings.Repeat("x", 32)), jose.HS256, nil, assertionClaims(s, id))),
			nil, 401, "invalid_client", "client secret does not verify"},
		{"iss is not the client", withAssertion(clientCredentials, signed(func(c map[string]any) { c["iss"] = "someone" })),
			nil, 401, "invalid_client", `iss is "someone"`},
		{"aud is another server", withAssertion(clientCredentials, signed(func(c map[string]any) { c["aud"] = "https://other.example/token" })),
			nil, 401, "invalid_client", "must name the token endpoint"},
		{"no aud", withAssertion(clientCredentials, signed(func(c map[string]any) { delete(c, "aud") })),
			nil, 401, "invalid_client", "aud is missing"},
		{"expired", withAssertion(clientCredentials, signed(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })),
			nil, 401, "invalid_client", "expired at"},
		{"no exp", withAssertion(clientCredentials, signed(func(c map[string]any) { delete(c, "exp") })),
			nil, 401, "invalid_client", "has no exp"},
		{"exp too far ahead", withAssertion(clientCredentials, signed(func(c map[string]any) { c["exp"] = now.Add(time.Hour).Unix() })),
			nil, 401, "invalid_client", "accepts at most 10m0s"},
		{"nbf in the future", withAssertion(clientCredentials, signed(func(c map[string]any) { c["nbf"] = now.Add(2 * time.Minute).Unix() })),
			nil, 401, "invalid_client", "is not valid before"},
		{"iat in the future", withAssertion(clientCredentials, signed(func(c map[string]any) { c["iat"] = now.Add(2 * time.Minute).Unix() })),
			nil, 401, "invalid_client", "issued in the future"},
		{"no jti", withAssertion(clientCredentials, signed(func(c map[string]any) { delete(c, "jti") })),
			nil, 401, "invalid_client", "has no jti"},
		{"a request object as assertion", withAssertion(clientCredentials, signed(func(c map[string]any) { c["response_type"] = "code" })),
			nil, 401, "invalid_client", "it is a request object"},
		{"typed for DPoP", withAssertion(clientCredentials, sign(t, rsaKey, jose.RS256, map[string]any{"typ": "dpop+jwt"}, assertionClaims(s, id))),
			nil, 401, "invalid_client", `has typ "dpop+jwt"`},
		{"unknown client", withAssertion(clientCredentials, sign(t, rsaKey, jose.RS256, nil, assertionClaims(s, "ghost"))),
			nil, 401, "invalid_client", `names client "ghost", which is not registered`},
		{"client_id differs from sub", withAssertion(url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-app"}}, signed(func(map[string]any) {})),
			nil, 401, "invalid_client", `client_id "demo-app" differs`},
		{"another assertion type", url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:saml2-bearer"}, "client_assertion": {"x"}},
			nil, 401, "invalid_client", "is not supported"},
		{"assertion without its type", url.Values{"grant_type": {"client_credentials"}, "client_assertion": {signed(func(map[string]any) {})}},
			nil, 400, "invalid_request", "without client_assertion_type"},
		{"not a JWT", withAssertion(clientCredentials, "abc"), nil, 401, "invalid_client", "not a JWT in compact form"},
		{"assertion and Basic at once", withAssertion(clientCredentials, signed(func(map[string]any) {})),
			basic(id, spacetest.DemoJWTClientSecret), 400, "invalid_request", "authenticates twice"},
		{"demo-jwt-app sending its secret", clientCredentials, basic(id, spacetest.DemoJWTClientSecret),
			401, "invalid_client", "demo-jwt-app is not registered for client_secret_basic"},
		{"demo-app with client_secret_jwt: its secret is too short", withAssertion(clientCredentials, sign(t, []byte(spacetest.DemoClientSecret+strings.Repeat("!", 32)), jose.HS256, nil, assertionClaims(s, spacetest.DemoClientID))),
			nil, 401, "invalid_client", "11-byte secret is too short to be an HS256 key"},
		{"demo-app with private_key_jwt", withAssertion(clientCredentials, sign(t, rsaKey, jose.RS256, nil, assertionClaims(s, spacetest.DemoClientID))),
			nil, 401, "invalid_client", "demo-app is not registered for private_key_jwt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, nil, s.URL+"/oauth/token", c.form, c.header)
			mustContain(t, r, c.status, c.code, c.why)
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestWriteDemoClientKeyPrintsTheRegisteredKey(t *testing.T) {
	var b strings.Builder
	if err := spacetest.WriteDemoClientKey(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != spacetest.DemoClientKeyPEM || !strings.HasPrefix(b.String(), "-----BEGIN PRIVATE KEY-----\n") {
		t.Fatalf("printed %q", b.String())
	}
	// The printed key is the one demo-jwt-app and demo-app's JWT-bearer grant trust.
	s := spacetest.Start(t)
	key := parseKey(t, b.String())
	r := post(t, nil, s.URL+"/oauth/token", withAssertion(clientCredentials, sign(t, key, jose.RS256, nil, assertionClaims(s, spacetest.DemoJWTClientID))), nil)
	if r.status != 200 {
		t.Fatalf("%d %v", r.status, r.body)
	}
}
