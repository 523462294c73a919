package spacetest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

func exchangeForm(subject, subjectType string, more url.Values) url.Values {
	f := url.Values{"grant_type": {spacetest.GrantTypeTokenExchange}, "subject_token": {subject}, "subject_token_type": {subjectType}}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// demo-app trades a user's token for a narrower one for another audience;
// with an actor token the new token names who acts (act).
func TestTokenExchange(t *testing.T) {
	s := spacetest.Start(t)
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	tokenURL := s.URL + "/oauth/token"
	user := post(t, nil, tokenURL, passwordGrant, auth)
	subject := user.body["access_token"].(string)
	service := post(t, nil, tokenURL, clientCredentials, auth).body["access_token"].(string)

	r := post(t, nil, tokenURL, exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{
		"audience": {spacetest.DemoPublicClientID}, "scope": {"global:Profile.View"},
	}), auth)
	if r.status != 200 || r.body["issued_token_type"] != spacetest.TokenTypeAccessToken || r.body["token_type"] != "Bearer" || r.body["scope"] != "global:Profile.View" {
		t.Fatalf("exchange: %d %v", r.status, r.body)
	}
	at := r.body["access_token"].(string)
	c, sc := claimsOf(t, at), claimsOf(t, subject)
	if c["aud"] != spacetest.DemoPublicClientID || c["client_id"] != spacetest.DemoClientID || c["sub"] != sc["sub"] || c["act"] != nil || c["exp"].(float64) > sc["exp"].(float64) {
		t.Fatalf("impersonation token claims: %v", c)
	}
	if st, body := api(t, s, "GET", profilePath, at); st != 200 || body["username"] != "demo" {
		t.Fatalf("the exchanged token acts for demo: %d %v", st, body)
	}
	if st, _ := api(t, s, "GET", "/api/http/absences", at); st != 403 {
		t.Fatalf("the exchanged token is narrower than its subject: %d", st)
	}

	d := post(t, nil, tokenURL, exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{
		"actor_token": {service}, "actor_token_type": {spacetest.TokenTypeAccessToken}, "requested_token_type": {spacetest.TokenTypeJWT},
		"resource": {s.URL + "/api/http"},
	}), auth)
	if d.status != 200 || d.body["issued_token_type"] != spacetest.TokenTypeJWT {
		t.Fatalf("delegation: %d %v", d.status, d.body)
	}
	dt := d.body["access_token"].(string)
	act, _ := claimsOf(t, dt)["act"].(map[string]any)
	if act["sub"] != spacetest.DemoClientID || claimsOf(t, dt)["aud"] != s.URL+"/api/http" {
		t.Fatalf("delegation token claims: %v", claimsOf(t, dt))
	}
	in := post(t, nil, s.URL+"/oauth/introspect", url.Values{"token": {dt}}, auth)
	if ia, _ := in.body["act"].(map[string]any); in.body["active"] != true || ia["sub"] != spacetest.DemoClientID {
		t.Fatalf("introspection of a delegated token: %v", in.body)
	}
	// Exchanging the delegated token again nests the earlier actor.
	n := post(t, nil, tokenURL, exchangeForm(dt, spacetest.TokenTypeAccessToken, url.Values{
		"actor_token": {service}, "actor_token_type": {spacetest.TokenTypeAccessToken},
	}), auth)
	nact, _ := claimsOf(t, n.body["access_token"].(string))["act"].(map[string]any)
	if inner, _ := nact["act"].(map[string]any); inner["sub"] != spacetest.DemoClientID {
		t.Fatalf("nested act: %v", nact)
	}
	// Revoking the subject's grant ends the token exchanged from it.
	post(t, nil, s.URL+"/oauth/revoke", url.Values{"token": {subject}}, auth)
	if st, _ := api(t, s, "GET", profilePath, at); st != 401 {
		t.Fatalf("the exchanged token outlived its subject's revocation: %d", st)
	}
}

// An ID token of this server, issued to demo-app, can be the subject.
func TestTokenExchangeOfAnIDToken(t *testing.T) {
	s := spacetest.Start(t)
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	code, verifier := codeFor(t, s, spacetest.DemoClientID, url.Values{"scope": {"openid global:Profile.View"}})
	r := post(t, nil, s.URL+"/oauth/token", codeExchange(code, verifier, spacetest.DemoClientID), auth)
	idt, _ := r.body["id_token"].(string)
	if idt == "" {
		t.Fatalf("no ID token: %v", r.body)
	}
	mustContain(t, post(t, nil, s.URL+"/oauth/token", exchangeForm(idt, spacetest.TokenTypeIDToken, nil), auth), 400, "invalid_scope", "an ID token carries no rights")
	x := post(t, nil, s.URL+"/oauth/token", exchangeForm(idt, spacetest.TokenTypeIDToken, url.Values{"scope": {"global:Profile.View"}}), auth)
	if x.status != 200 {
		t.Fatalf("%d %v", x.status, x.body)
	}
	if st, body := api(t, s, "GET", profilePath, x.body["access_token"].(string)); st != 200 || body["username"] != "demo" {
		t.Fatalf("%d %v", st, body)
	}
	if x := post(t, nil, s.URL+"/oauth/token", exchangeForm(idt, spacetest.TokenTypeJWT, url.Values{"scope": {"global:Profile.View"}}), auth); x.status != 200 {
		t.Fatalf("an ID token as the jwt type: %d %v", x.status, x.body)
	}
}

func TestTokenExchangeRefusals(t *testing.T) {
	clock := newClock()
	s := spacetest.Start(t, spacetest.WithClock(clock.now))
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	tokenURL := s.URL + "/oauth/token"
	subject := post(t, nil, tokenURL, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "scope": {"global:Profile.View"}}, auth).body["access_token"].(string)
	key := newECKey(t)
	bound := post(t, nil, tokenURL, passwordGrant, withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"iat": clock.now().Unix()}))).body["access_token"].(string)
	expiring := post(t, nil, tokenURL, passwordGrant, auth).body["access_token"].(string)
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		code, why  string
	}{
		{"a token this server did not issue", exchangeForm("not-a-token", spacetest.TokenTypeAccessToken, nil), "", "", 400, "invalid_grant", "is not an active access token of this server"},
		{"a wider scope", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"scope": {"global:Profile.Absences.View"}}), "", "", 400, "invalid_scope", "is wider than the subject token's scope"},
		{"a SAML assertion", exchangeForm(subject, "urn:ietf:params:oauth:token-type:saml2", nil), "", "", 400, "unsupported_token_type", "is not supported"},
		{"a refresh token", exchangeForm(subject, spacetest.TokenTypeRefreshToken, nil), "", "", 400, "unsupported_token_type", "stays with the client it was issued to"},
		{"no subject_token_type", exchangeForm(subject, "", nil), "", "", 400, "invalid_request", "subject_token_type is missing"},
		{"no subject_token", exchangeForm("", spacetest.TokenTypeAccessToken, nil), "", "", 400, "invalid_request", "subject_token is missing"},
		{"an actor token without its type", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"actor_token": {subject}}), "", "", 400, "invalid_request", "actor_token_type is missing"},
		{"an actor type without the token", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"actor_token_type": {spacetest.TokenTypeAccessToken}}), "", "", 400, "invalid_request", "without actor_token"},
		{"an unknown audience", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"audience": {"https://api.example"}}), "", "", 400, "invalid_target", "is neither a client of this server"},
		{"a resource elsewhere", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"resource": {"https://api.example/x"}}), "", "", 400, "invalid_target", "is not served by this server"},
		{"a resource with a fragment", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"resource": {s.URL + "/api#x"}}), "", "", 400, "invalid_target", "must not have a fragment"},
		{"an unsupported requested type", exchangeForm(subject, spacetest.TokenTypeAccessToken, url.Values{"requested_token_type": {spacetest.TokenTypeRefreshToken}}), "", "", 400, "invalid_request", "cannot be issued here"},
		{"a DPoP-bound subject", exchangeForm(bound, spacetest.TokenTypeAccessToken, nil), "", "", 400, "invalid_grant", "bound to a key (cnf)"},
		{"a client without token exchange", exchangeForm(subject, spacetest.TokenTypeAccessToken, nil), spacetest.DemoNoCodeFlowID, spacetest.DemoMistakeSecret, 400, "unauthorized_client", "token exchange is not enabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := auth
			if c.user != "" {
				h = basic(c.user, c.pass)
			}
			mustContain(t, post(t, nil, tokenURL, c.form, h), c.status, c.code, c.why)
		})
	}
	clock.advance(11 * time.Minute)
	mustContain(t, post(t, nil, tokenURL, exchangeForm(expiring, spacetest.TokenTypeAccessToken, nil), auth), 400, "invalid_grant", "Access token has expired")
}
