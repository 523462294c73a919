package spacetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

// The life of a token family over real HTTP: what a replayed code and a
// reused refresh token do to every token that came from the same grant.

// dead asserts that every token is inactive at introspection and that the
// access tokens are refused by the API with 401 and error="invalid_token".
func dead(t *testing.T, s *spacetest.Server, accessTokens, refreshTokens []string) {
	t.Helper()
	for i, tok := range append(append([]string{}, accessTokens...), refreshTokens...) {
		if intro := postTo(t, s, "/oauth/introspect", url.Values{"token": {tok}}); intro["active"] != false {
			t.Errorf("token %d is still active at introspection: %v", i, intro)
		}
	}
	for i, at := range accessTokens {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/http/team-directory/profiles/me", nil)
		req.Header.Set("Authorization", "Bearer "+at)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("access token %d: HTTP %d, WWW-Authenticate %q; want 401 with error=\"invalid_token\"", i, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
}

func refreshAs(t *testing.T, s *spacetest.Server, clientID, secret, rt string) tokenReply {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if secret == "" {
		form.Set("client_id", clientID) // a public client names itself in the body
		return postToken(t, s, "", "", form)
	}
	return postToken(t, s, clientID, secret, form)
}

func TestReplayedCodeRevokesEveryTokenItBought(t *testing.T) {
	s := spacetest.Start(t)
	verifier, challenge := pkcePair()
	loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
	code := loc.Query().Get("code")
	first := exchange(t, s, code, verifier)
	at1, _ := first.body["access_token"].(string)
	rt, _ := first.body["refresh_token"].(string)
	if first.status != 200 || at1 == "" || rt == "" {
		t.Fatalf("first redemption: %d %v", first.status, first.body)
	}
	// An access token minted by refreshing belongs to the same grant.
	r := refreshAs(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, rt)
	at2, _ := r.body["access_token"].(string)
	if r.status != 200 || at2 == "" {
		t.Fatalf("refresh before the replay: %d %v", r.status, r.body)
	}
	replay := exchange(t, s, code, verifier)
	if replay.status != 400 || replay.body["error"] != "invalid_grant" || replay.body["access_token"] != nil {
		t.Fatalf("second redemption: %d %v", replay.status, replay.body)
	}
	dead(t, s, []string{at1, at2}, []string{rt})
	if r := refreshAs(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, rt); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("the refresh token of a replayed code still works: %d %v", r.status, r.body)
	}
	// Another user's grant is untouched.
	other := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"alice"}})
	if st, _ := api(t, s, "GET", "/api/http/team-directory/profiles/me", other.body["access_token"].(string)); st != 200 {
		t.Fatalf("an unrelated token was revoked too: %d", st)
	}
}

// publicCodeFlow runs the code flow as the public demo client (PKCE, no
// secret) and returns the token response.
func publicCodeFlow(t *testing.T, s *spacetest.Server) (accessToken, refreshToken string) {
	t.Helper()
	verifier, challenge := pkcePair()
	loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoPublicClientID, challenge), "demo", "demo", "accept")
	r := postToken(t, s, "", "", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {spacetest.DemoPublicClientID}, "code": {loc.Query().Get("code")},
		"redirect_uri": {loopbackCallback}, "code_verifier": {verifier},
	})
	at, _ := r.body["access_token"].(string)
	rt, _ := r.body["refresh_token"].(string)
	if r.status != 200 || at == "" || rt == "" {
		t.Fatalf("public code exchange: %d %v", r.status, r.body)
	}
	return at, rt
}

func TestPublicClientRefreshTokensRotate(t *testing.T) {
	s := spacetest.Start(t)
	at1, rt1 := publicCodeFlow(t, s)
	r := refreshAs(t, s, spacetest.DemoPublicClientID, "", rt1)
	rt2, _ := r.body["refresh_token"].(string)
	at2, _ := r.body["access_token"].(string)
	if r.status != 200 || rt2 == "" || rt2 == rt1 || at2 == "" {
		t.Fatalf("a public client's refresh must return a new refresh token: %d %v", r.status, r.body)
	}
	if intro := postTo(t, s, "/oauth/introspect", url.Values{"token": {rt1}}); intro["active"] != false {
		t.Fatalf("the rotated-away refresh token is still active: %v", intro)
	}
	r = refreshAs(t, s, spacetest.DemoPublicClientID, "", rt2)
	rt3, _ := r.body["refresh_token"].(string)
	at3, _ := r.body["access_token"].(string)
	if r.status != 200 || rt3 == "" || rt3 == rt2 {
		t.Fatalf("the second rotation: %d %v", r.status, r.body)
	}
	if intro := postTo(t, s, "/oauth/introspect", url.Values{"token": {rt3}}); intro["active"] != true {
		t.Fatalf("the newest refresh token is not active: %v", intro)
	}
	// Someone presents the spent first token: refused, and the whole family
	// dies, because the server cannot tell the thief from the client.
	if r := refreshAs(t, s, spacetest.DemoPublicClientID, "", rt1); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("a spent refresh token: %d %v", r.status, r.body)
	}
	dead(t, s, []string{at1, at2, at3}, []string{rt3})
	if r := refreshAs(t, s, spacetest.DemoPublicClientID, "", rt3); r.body["error"] != "invalid_grant" {
		t.Fatalf("the family's live refresh token survived the reuse: %v", r.body)
	}
}

func TestConfidentialClientRefreshTokensDoNotRotate(t *testing.T) {
	s := spacetest.Start(t)
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "access_type": {"offline"}})
	rt, _ := r.body["refresh_token"].(string)
	for i := range 3 {
		rr := refreshAs(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, rt)
		if rr.status != 200 || rr.body["refresh_token"] != nil {
			t.Fatalf("refresh %d: %d %v (Space keeps the refresh token of a confidential client)", i, rr.status, rr.body)
		}
	}
}

// RFC 7009 §2.1 lets a server revoke an access token's refresh token with
// it; this one does, since the refresh token would otherwise go on minting
// access tokens that the API refuses.
func TestRevokingAnAccessTokenRevokesItsRefreshToken(t *testing.T) {
	s := spacetest.Start(t)
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "access_type": {"offline"}})
	at, rt := r.body["access_token"].(string), r.body["refresh_token"].(string)
	postTo(t, s, "/oauth/revoke", url.Values{"token": {at}})
	dead(t, s, []string{at}, []string{rt})
	if rr := refreshAs(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, rt); rr.body["error"] != "invalid_grant" {
		t.Fatalf("the refresh token of a revoked access token: %d %v", rr.status, rr.body)
	}
}
