package spacetest_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

const loopbackCallback = "http://127.0.0.1:53682/callback"

func pkcePair() (verifier, challenge string) {
	verifier = strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func codeRequest(clientID, challenge string) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {loopbackCallback}, "state": {"st4te"}, "scope": {"**"}, "access_type": {"offline"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

func exchange(t *testing.T, s *spacetest.Server, code, verifier string) tokenReply {
	return postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopbackCallback}, "code_verifier": {verifier},
	})
}

func api(t *testing.T, s *spacetest.Server, method, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength == 0 {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, decode(t, resp.Body)
}

func TestCodeFlowThroughThePages(t *testing.T) {
	s := spacetest.Start(t)
	b := newBrowser(t)
	verifier, challenge := pkcePair()
	p := b.get(s.URL + "/oauth/auth?" + codeRequest(spacetest.DemoClientID, challenge).Encode())
	f := formFields(t, p)
	f.Set("username", "demo")
	f.Set("password", "wrong")
	if p = b.post(s.URL+"/oauth/login", f); !strings.Contains(p.body, `id="error"`) {
		t.Fatalf("a wrong password did not say so:\n%s", p.body)
	}
	loc := b.authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
	if loc.Query().Get("state") != "st4te" || !strings.HasPrefix(loc.String(), loopbackCallback+"?") {
		t.Fatalf("redirect %s", loc)
	}
	r := exchange(t, s, loc.Query().Get("code"), verifier)
	at, _ := r.body["access_token"].(string)
	rt, _ := r.body["refresh_token"].(string)
	if r.status != 200 || at == "" || rt == "" || r.body["token_type"] != "Bearer" || r.body["expires_in"] != float64(600) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v %v", r.status, r.body, r.header)
	}
	if st, body := api(t, s, "GET", "/api/http/team-directory/profiles/me", at); st != 200 || body["username"] != "demo" {
		t.Fatalf("profile: %d %v", st, body)
	}
	if st, body := api(t, s, "GET", "/api/http/absences", at); st != 200 || body["totalCount"] != float64(1) {
		t.Fatalf("absences: %d %v", st, body)
	}
	if st, body := api(t, s, "GET", "/api/http/applications/me", at); st != 200 || body["clientId"] != spacetest.DemoClientID {
		t.Fatalf("application: %d %v", st, body)
	}
	// Space does not rotate: the refresh answer has no refresh_token.
	rr := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "scope": {"**"}})
	if rr.status != 200 || rr.body["refresh_token"] != nil {
		t.Fatalf("refresh: %d %v", rr.status, rr.body)
	}
	// Second use of the same code: invalid_grant, and tokens from it revoked.
	if r := exchange(t, s, loc.Query().Get("code"), verifier); r.body["error"] != "invalid_grant" {
		t.Fatalf("reused code: %v", r.body)
	}
	if st, body := api(t, s, "GET", "/api/http/team-directory/profiles/me", at); st != 401 || body["error"] != "authentication-required" {
		t.Fatalf("token of a replayed code still works: %d %v", st, body)
	}
}

func TestRevokeOwnRefreshToken(t *testing.T) {
	s := spacetest.Start(t)
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "access_type": {"offline"}})
	at, rt := r.body["access_token"].(string), r.body["refresh_token"].(string)
	if st, _ := api(t, s, "DELETE", "/api/http/team-directory/profiles/oauth-consents/me/refresh-tokens/self", at); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	rr := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if rr.body["error"] != "invalid_grant" {
		t.Fatalf("revoked refresh token: %v", rr.body)
	}
}

// Rows of space-oauth.md §10, each over real HTTP.
func TestRegistrationMistakes(t *testing.T) {
	s := spacetest.Start(t)
	verifier, challenge := pkcePair()
	t.Run("unknown client_id at /oauth/auth: error page", func(t *testing.T) {
		p := newBrowser(t).get(s.URL + "/oauth/auth?" + codeRequest("nobody", "").Encode())
		if p.status != 400 || p.location != nil || !strings.Contains(p.body, "invalid_request") {
			t.Fatalf("%d %v", p.status, p.location)
		}
	})
	t.Run("user pressed Cancel: access_denied", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "cancel")
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st4te" {
			t.Fatal(loc)
		}
	})
	t.Run("code flow off at /oauth/auth: unauthorized_client", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoNoCodeFlowID, ""), "demo", "demo", "accept")
		if loc.Query().Get("error") != "unauthorized_client" {
			t.Fatal(loc)
		}
	})
	t.Run("Require PKCE without a challenge: invalid_request", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoPublicClientID, ""), "demo", "demo", "accept")
		if loc.Query().Get("error") != "invalid_request" || !strings.Contains(loc.Query().Get("error_description"), "PKCE") {
			t.Fatal(loc)
		}
	})
	t.Run("wrong code_verifier: invalid_grant", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
		if r := exchange(t, s, loc.Query().Get("code"), verifier+"x"); r.body["error"] != "invalid_grant" {
			t.Fatal(r.body)
		}
	})
	t.Run("redirect_uri differs at the exchange: invalid_grant", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
		r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{
			"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:1/other"}, "code_verifier": {verifier},
		})
		if r.body["error"] != "invalid_grant" {
			t.Fatal(r.body)
		}
	})
	t.Run("code for another client: invalid_grant", func(t *testing.T) {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
		r := postToken(t, s, spacetest.DemoNoRightsID, spacetest.DemoMistakeSecret, url.Values{
			"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {loopbackCallback}, "code_verifier": {verifier},
		})
		if r.body["error"] != "invalid_grant" {
			t.Fatal(r.body)
		}
	})
	t.Run("implicit not enabled: unauthorized_client", func(t *testing.T) {
		q := codeRequest(spacetest.DemoPublicClientID, "")
		q.Set("response_type", "token")
		loc := newBrowser(t).authorize(s, q, "demo", "demo", "accept")
		if fq, _ := url.ParseQuery(loc.Fragment); fq.Get("error") != "unauthorized_client" {
			t.Fatal(loc)
		}
	})
	t.Run("valid token, missing permission: permission-denied 403", func(t *testing.T) {
		r := postToken(t, s, spacetest.DemoNotInProjectID, spacetest.DemoMistakeSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"global:Profile.View"}})
		if st, body := api(t, s, "GET", "/api/http/absences", r.body["access_token"].(string)); st != 403 || body["error"] != "permission-denied" {
			t.Fatalf("%d %v", st, body)
		}
	})
	t.Run("no rights at all: a token that can do nothing", func(t *testing.T) {
		r := postToken(t, s, spacetest.DemoNoRightsID, spacetest.DemoMistakeSecret, url.Values{"grant_type": {"client_credentials"}})
		if r.body["scope"] != "" {
			t.Fatalf("scope %v", r.body["scope"])
		}
		if st, _ := api(t, s, "GET", "/api/http/absences", r.body["access_token"].(string)); st != 403 {
			t.Fatal(st)
		}
	})
}

func TestImplicitPutsTheTokenInTheFragment(t *testing.T) {
	s := spacetest.Start(t)
	q := codeRequest(spacetest.DemoClientID, "")
	q.Set("response_type", "token")
	loc := newBrowser(t).authorize(s, q, "demo", "demo", "accept")
	fq, _ := url.ParseQuery(loc.Fragment)
	if loc.RawQuery != "" || fq.Get("access_token") == "" || fq.Get("token_type") != "Bearer" || fq.Get("state") != "st4te" {
		t.Fatal(loc)
	}
}

func TestExpiredAccessToken(t *testing.T) {
	clock := newClock()
	s := spacetest.Start(t, spacetest.WithClock(clock.now))
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}})
	clock.advance(11 * time.Minute)
	st, body := api(t, s, "GET", "/api/http/team-directory/profiles/me", r.body["access_token"].(string))
	if st != 401 || body["error"] != "authentication-required" || body["error_description"] != "Access token has expired" {
		t.Fatalf("%d %v", st, body)
	}
}

func TestDiscoveryKeysIntrospectionRevocationUserinfo(t *testing.T) {
	s := spacetest.Start(t)
	if p := newBrowser(t).get(s.URL + "/"); p.status != 200 || !strings.Contains(p.body, spacetest.DemoPublicClientID) {
		t.Fatalf("home page: %d", p.status)
	}
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		md := decode(t, resp.Body)
		resp.Body.Close()
		if md["issuer"] != s.URL || md["token_endpoint"] != s.URL+"/oauth/token" {
			t.Fatalf("%s: %v", path, md)
		}
	}
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "scope": {"** openid"}})
	at := r.body["access_token"].(string)
	resp, err := http.Get(s.URL + "/oauth/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := jsonDecode(resp, &set); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{at, r.body["id_token"].(string)} {
		jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS512})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jws.Verify(set.Keys[0]); err != nil {
			t.Fatal(err)
		}
		if jws.Signatures[0].Header.KeyID != "" {
			t.Error("Space signs without a kid")
		}
	}
	intro := postTo(t, s, "/oauth/introspect", url.Values{"token": {at}})
	if intro["active"] != true || intro["username"] != "demo" {
		t.Fatalf("introspect: %v", intro)
	}
	if st, body := api(t, s, "GET", "/oauth/userinfo", at); st != 200 || body["preferred_username"] != "demo" {
		t.Fatalf("userinfo: %d %v", st, body)
	}
	postTo(t, s, "/oauth/revoke", url.Values{"token": {at}})
	if intro := postTo(t, s, "/oauth/introspect", url.Values{"token": {at}}); intro["active"] != false {
		t.Fatalf("revoked token still active: %v", intro)
	}
}

// postTo sends an authenticated form to an endpoint answering JSON (or nothing).
func postTo(t *testing.T, s *spacetest.Server, path string, form url.Values) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: HTTP %d", path, resp.StatusCode)
	}
	if resp.ContentLength == 0 {
		return nil
	}
	return decode(t, resp.Body)
}

func TestDeviceFlowOverHTTP(t *testing.T) {
	clock := newClock()
	s := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second), spacetest.WithClock(clock.now))
	d := postTo(t, s, "/oauth/device", url.Values{"scope": {"**"}})
	dc := d["device_code"].(string)
	poll := func() tokenReply {
		return postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc}})
	}
	if r := poll(); r.body["error"] != "authorization_pending" {
		t.Fatal(r.body)
	}
	if r := poll(); r.body["error"] != "slow_down" {
		t.Fatalf("an immediate second poll: %v", r.body)
	}
	b := newBrowser(t)
	if p := b.get(d["verification_uri_complete"].(string)); !strings.Contains(p.body, d["user_code"].(string)) {
		t.Fatal("the device page does not prefill the code")
	}
	p := b.post(s.URL+"/device", url.Values{"user_code": {strings.ToLower(strings.ReplaceAll(d["user_code"].(string), "-", ""))}, "username": {"demo"}, "password": {"demo"}, "decision": {"accept"}})
	if !strings.Contains(p.body, "connected") {
		t.Fatalf("device page:\n%s", p.body)
	}
	clock.advance(6100 * time.Millisecond) // the interval grew by 5 s after slow_down
	if r := poll(); r.status != 200 || r.body["access_token"] == nil {
		t.Fatal(r.body)
	}
}

func TestHeadlessApprovalIsOffUnlessAsked(t *testing.T) {
	key, _ := spacetest.SharedTestKey()
	s, err := spacetest.NewServer(spacetest.WithKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := http.PostForm(s.URL+"/demo/approve", url.Values{"user_code": {"X"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatal(resp.StatusCode)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := spacetest.Start(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"grant_type": {"client_credentials"}}
			if i%2 == 0 {
				form = url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "access_type": {"offline"}}
			}
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("HTTP %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
}

func TestStateSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := spacetest.NewServer(spacetest.WithDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	r := postToken(t, s1, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "access_type": {"offline"}})
	rt := r.body["refresh_token"].(string)
	at := r.body["access_token"].(string)
	addr := s1.URL
	s1.Shutdown(context.Background())         //nolint:errcheck
	http.DefaultClient.CloseIdleConnections() // a kept-alive connection to the old server would answer EOF
	s2, err := spacetest.NewServer(spacetest.WithDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.URL != addr {
		t.Errorf("the port changed: %s then %s", addr, s2.URL)
	}
	if r := postToken(t, s2, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); r.status != 200 {
		t.Fatalf("yesterday's refresh token: %v", r.body)
	}
	if st, _ := api(t, s2, "GET", "/api/http/team-directory/profiles/me", at); st != 200 {
		t.Fatalf("yesterday's access token: %d", st)
	}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
