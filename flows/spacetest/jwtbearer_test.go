package spacetest_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

// grantAssertion is a JWT-bearer grant's assertion as the client side
// makes it: iss the trusted issuer, sub the user, aud the token endpoint.
func grantAssertion(s *spacetest.Server, sub string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": spacetest.DemoJWTBearerIssuer, "sub": sub, "aud": s.URL + "/oauth/token",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": freshJTI()}
}

func bearerGrant(assertion string) url.Values {
	return url.Values{"grant_type": {spacetest.GrantTypeJWTBearer}, "assertion": {assertion}, "scope": {"**"}}
}

// demo-app trades an assertion signed with the printed demo key for a
// token that acts for the assertion's user.
func TestJWTBearerGrant(t *testing.T) {
	s := spacetest.Start(t)
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	for _, c := range []struct {
		name string
		key  any
		alg  jose.SignatureAlgorithm
		sub  string
	}{
		{"RS256, sub a username", demoRSA(t), jose.RS256, "demo"},
		{"ES256, sub a username", demoEC(t), jose.ES256, "alice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, nil, s.URL+"/oauth/token", bearerGrant(sign(t, c.key, c.alg, nil, grantAssertion(s, c.sub))), auth)
			if r.status != 200 || r.body["refresh_token"] != nil {
				t.Fatalf("%d %v", r.status, r.body)
			}
			if st, body := api(t, s, "GET", profilePath, r.body["access_token"].(string)); st != 200 || body["username"] != c.sub {
				t.Fatalf("the token does not act for %s: %d %v", c.sub, st, body)
			}
		})
	}
}

func TestJWTBearerRefusals(t *testing.T) {
	s := spacetest.Start(t)
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	key := demoRSA(t)
	edited := func(edit func(c map[string]any)) string {
		c := grantAssertion(s, "demo")
		edit(c)
		return sign(t, key, jose.RS256, nil, c)
	}
	used := edited(func(map[string]any) {})
	if r := post(t, nil, s.URL+"/oauth/token", bearerGrant(used), auth); r.status != 200 {
		t.Fatalf("first use: %d %v", r.status, r.body)
	}
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
		code, why  string
	}{
		{"a wrong key", bearerGrant(sign(t, strangerRSA(t), jose.RS256, nil, grantAssertion(s, "demo"))), "", "", "invalid_grant", "signed by a key that is not registered for issuer demo-app"},
		{"a reused jti", bearerGrant(used), "", "", "invalid_grant", "the assertion's jti was already used"},
		{"alg none", bearerGrant(unsignedJWT(grantAssertion(s, "demo"))), "", "", "invalid_grant", "is unsigned (alg none)"},
		{"signed with the client secret", bearerGrant(sign(t, []byte(strings.Repeat("k", 32)), jose.HS256, nil, grantAssertion(s, "demo"))), "", "", "invalid_grant", "must be signed with the issuer's private key"},
		{"an untrusted issuer", bearerGrant(edited(func(c map[string]any) { c["iss"] = "https://idp.example" })), "", "", "invalid_grant", `iss "https://idp.example" is not an issuer demo-app trusts`},
		{"an unknown user", bearerGrant(edited(func(c map[string]any) { c["sub"] = "mallory" })), "", "", "invalid_grant", `sub "mallory" is not a user`},
		{"no sub", bearerGrant(edited(func(c map[string]any) { delete(c, "sub") })), "", "", "invalid_grant", "has no sub"},
		{"aud elsewhere", bearerGrant(edited(func(c map[string]any) { c["aud"] = "https://as.example/token" })), "", "", "invalid_grant", "must name the token endpoint"},
		{"expired", bearerGrant(edited(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), "", "", "invalid_grant", "expired at"},
		{"exp too far ahead", bearerGrant(edited(func(c map[string]any) { c["exp"] = time.Now().Add(time.Hour).Unix() })), "", "", "invalid_grant", "accepts at most"},
		{"no jti", bearerGrant(edited(func(c map[string]any) { delete(c, "jti") })), "", "", "invalid_grant", "has no jti"},
		{"no assertion", url.Values{"grant_type": {spacetest.GrantTypeJWTBearer}}, "", "", "invalid_request", "assertion is missing"},
		{"a client without the grant", bearerGrant(edited(func(map[string]any) {})), spacetest.DemoNoCodeFlowID, spacetest.DemoMistakeSecret, "unauthorized_client", "the JWT-bearer grant is not enabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := auth
			if c.user != "" {
				h = basic(c.user, c.pass)
			}
			mustContain(t, post(t, nil, s.URL+"/oauth/token", c.form, h), 400, c.code, c.why)
		})
	}
}
