package spacetest_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

// requestObjectClaims are an authorization request as claims, with the
// JWT claims RFC 9101 §4 asks for.
func requestObjectClaims(s *spacetest.Server, clientID, challenge, state string) map[string]any {
	c := map[string]any{
		"iss": clientID, "aud": s.URL, "client_id": clientID, "exp": time.Now().Add(5 * time.Minute).Unix(), "iat": time.Now().Unix(),
		"response_type": "code", "redirect_uri": loopbackCallback, "scope": "**", "state": state,
	}
	if challenge != "" {
		c["code_challenge"], c["code_challenge_method"] = challenge, "S256"
	}
	return c
}

// Only the signed request's parameters count: the query's are ignored.
func TestRequestObjectAtTheAuthorizationEndpoint(t *testing.T) {
	s := spacetest.Start(t)
	verifier, challenge := pkcePair()
	object := sign(t, demoRSA(t), jose.RS256, map[string]any{"typ": "oauth-authz-req+jwt"}, requestObjectClaims(s, spacetest.DemoClientID, challenge, "signed-state"))
	q := url.Values{"client_id": {spacetest.DemoClientID}, "request": {object}, "response_type": {"code"}, "state": {"query-state"}, "redirect_uri": {"http://localhost:1/callback"}}
	loc := newBrowser(t).authorize(s, q, "demo", "demo", "accept")
	if loc.Query().Get("state") != "signed-state" || !strings.HasPrefix(loc.String(), loopbackCallback) {
		t.Fatalf("the query's parameters counted: %s", loc)
	}
	if ex := exchange(t, s, loc.Query().Get("code"), verifier); ex.status != 200 {
		t.Fatalf("%d %v", ex.status, ex.body)
	}
	// demo-jwt-app may sign with its 32-byte secret.
	hs := sign(t, []byte(spacetest.DemoJWTClientSecret), jose.HS256, nil, requestObjectClaims(s, spacetest.DemoJWTClientID, "", "hs"))
	if loc := newBrowser(t).authorize(s, url.Values{"client_id": {spacetest.DemoJWTClientID}, "request": {hs}}, "demo", "demo", "accept"); loc.Query().Get("state") != "hs" || loc.Query().Get("code") == "" {
		t.Fatalf("an HS256 request object: %s", loc)
	}
}

func TestRequestObjectRefusals(t *testing.T) {
	s := spacetest.Start(t)
	key := demoRSA(t)
	edited := func(clientID string, edit func(c map[string]any)) string {
		c := requestObjectClaims(s, clientID, "", "x")
		edit(c)
		return sign(t, key, jose.RS256, nil, c)
	}
	none := func(map[string]any) {}
	cases := []struct {
		name, clientID, object, why string
	}{
		{"alg none", spacetest.DemoClientID, unsignedJWT(requestObjectClaims(s, spacetest.DemoClientID, "", "x")), "is unsigned (alg none)"},
		{"a wrong key", spacetest.DemoClientID, sign(t, strangerRSA(t), jose.RS256, nil, requestObjectClaims(s, spacetest.DemoClientID, "", "x")), "signed by a key that is not registered for demo-app"},
		{"HS256 with a short secret", spacetest.DemoClientID, sign(t, []byte(strings.Repeat("s", 32)), jose.HS256, nil, requestObjectClaims(s, spacetest.DemoClientID, "", "x")), "11 bytes, shorter than the 32 bytes"},
		{"HS256 for a public client", spacetest.DemoPublicClientID, sign(t, []byte(strings.Repeat("s", 32)), jose.HS256, nil, requestObjectClaims(s, spacetest.DemoPublicClientID, "", "x")), "has no client secret"},
		{"client_id claim differs", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { c["client_id"] = spacetest.DemoPublicClientID }), "differs from the client_id parameter"},
		{"no client_id claim", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { delete(c, "client_id") }), "has no client_id claim"},
		{"iss is not the client", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { c["iss"] = "someone" }), `iss is "someone"`},
		{"aud is not this server", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { c["aud"] = "https://other.example" }), "must name this server's issuer"},
		{"expired", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), "expired at"},
		{"no exp", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { delete(c, "exp") }), "has no exp"},
		{"a nested request_uri", spacetest.DemoClientID, edited(spacetest.DemoClientID, func(c map[string]any) { c["request_uri"] = "urn:x" }), "cannot nest another"},
		{"typed as a DPoP proof", spacetest.DemoClientID, sign(t, key, jose.RS256, map[string]any{"typ": "dpop+jwt"}, requestObjectClaims(s, spacetest.DemoClientID, "", "x")), `has typ "dpop+jwt"`},
		{"no client_id parameter", "", edited(spacetest.DemoClientID, none), "client_id is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := url.Values{"request": {c.object}}
			if c.clientID != "" {
				q.Set("client_id", c.clientID)
			}
			p := newBrowser(t).get(s.URL + "/oauth/auth?" + q.Encode())
			if p.status != 400 || p.location != nil || !strings.Contains(p.body, "invalid_request_object") || !strings.Contains(html.UnescapeString(p.body), c.why) {
				t.Fatalf("%d %v; want a page with invalid_request_object and %q:\n%s", p.status, p.location, c.why, p.body)
			}
		})
	}
}

// A request object pushed to /oauth/par: the client authenticates with
// private_key_jwt, and the parameters are the object's alone.
func TestRequestObjectPushed(t *testing.T) {
	s := spacetest.Start(t)
	id := spacetest.DemoJWTClientID
	object := sign(t, demoEC(t), jose.ES256, nil, requestObjectClaims(s, id, "", "pushed-and-signed"))
	auth := func() string { return sign(t, demoRSA(t), jose.RS256, nil, assertionClaims(s, id)) }
	r := post(t, nil, s.URL+"/oauth/par", withAssertion(url.Values{"client_id": {id}, "request": {object}}, auth()), nil)
	if r.status != 201 {
		t.Fatalf("push: %d %v", r.status, r.body)
	}
	loc := newBrowser(t).authorize(s, url.Values{"client_id": {id}, "request_uri": {r.body["request_uri"].(string)}}, "demo", "demo", "accept")
	if loc.Query().Get("state") != "pushed-and-signed" {
		t.Fatalf("%s", loc)
	}
	beside := withAssertion(url.Values{"client_id": {id}, "request": {object}, "scope": {"**"}}, auth())
	mustContain(t, post(t, nil, s.URL+"/oauth/par", beside, nil), 400, "invalid_request", "scope was sent beside it")
	bad := withAssertion(url.Values{"client_id": {id}, "request": {unsignedJWT(requestObjectClaims(s, id, "", "x"))}}, auth())
	mustContain(t, post(t, nil, s.URL+"/oauth/par", bad, nil), 400, "invalid_request_object", "is unsigned")
}
