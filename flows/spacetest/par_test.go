package spacetest_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

func push(t *testing.T, s *spacetest.Server, form url.Values, user, pass string) reply {
	t.Helper()
	h := basic(user, pass)
	if user == "" {
		h = nil
	}
	return post(t, nil, s.URL+"/oauth/par", form, h)
}

// The browser carries only client_id and request_uri; the pushed
// parameters decide, and the request_uri works once.
func TestPushedAuthorizationRequest(t *testing.T) {
	s := spacetest.Start(t)
	verifier, challenge := pkcePair()
	pushed := codeRequest(spacetest.DemoClientID, challenge)
	pushed.Set("state", "pushed-state")
	r := push(t, s, pushed, spacetest.DemoClientID, spacetest.DemoClientSecret)
	uri, _ := r.body["request_uri"].(string)
	if r.status != 201 || !strings.HasPrefix(uri, spacetest.RequestURIPrefix) || r.body["expires_in"] != float64(60) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("push: %d %v", r.status, r.body)
	}
	front := url.Values{"client_id": {spacetest.DemoClientID}, "request_uri": {uri}, "state": {"front-channel-state"}}
	b := newBrowser(t)
	loc := b.authorize(s, front, "demo", "demo", "accept")
	if loc.Query().Get("state") != "pushed-state" || loc.Query().Get("code") == "" {
		t.Fatalf("the front channel's parameters counted: %s", loc)
	}
	if ex := exchange(t, s, loc.Query().Get("code"), verifier); ex.status != 200 {
		t.Fatalf("exchange: %d %v", ex.status, ex.body)
	}
	again := newBrowser(t).get(s.URL + "/oauth/auth?" + front.Encode())
	if again.status != 400 || again.location != nil || !strings.Contains(again.body, "invalid_request_uri") || !strings.Contains(again.body, "already used") {
		t.Fatalf("a request_uri used twice: %d %v\n%s", again.status, again.location, again.body)
	}
}

func TestPushedRequestRefusals(t *testing.T) {
	clock := newClock()
	s := spacetest.Start(t, spacetest.WithClock(clock.now))
	page := func(t *testing.T, q url.Values, code, why string) {
		t.Helper()
		p := newBrowser(t).get(s.URL + "/oauth/auth?" + q.Encode())
		if p.status != 400 || p.location != nil || !strings.Contains(p.body, code) || !strings.Contains(p.body, why) {
			t.Fatalf("%d %v; want a page with %s and %q:\n%s", p.status, p.location, code, why, p.body)
		}
	}
	pushOK := func(t *testing.T) string {
		r := push(t, s, codeRequest(spacetest.DemoClientID, ""), spacetest.DemoClientID, spacetest.DemoClientSecret)
		if r.status != 201 {
			t.Fatalf("push: %d %v", r.status, r.body)
		}
		return r.body["request_uri"].(string)
	}
	t.Run("expired", func(t *testing.T) {
		uri := pushOK(t)
		clock.advance(61 * time.Second)
		page(t, url.Values{"client_id": {spacetest.DemoClientID}, "request_uri": {uri}}, "invalid_request_uri", "unknown or has expired")
	})
	t.Run("another client's request_uri", func(t *testing.T) {
		page(t, url.Values{"client_id": {spacetest.DemoPublicClientID}, "request_uri": {pushOK(t)}}, "invalid_request_uri", "pushed by another client")
	})
	t.Run("no client_id", func(t *testing.T) {
		page(t, url.Values{"request_uri": {pushOK(t)}}, "invalid_request", "client_id is missing")
	})
	t.Run("a request_uri from elsewhere", func(t *testing.T) {
		page(t, url.Values{"client_id": {spacetest.DemoClientID}, "request_uri": {"https://attacker.example/request.jwt"}}, "invalid_request_uri", "does not fetch request objects")
	})
	t.Run("request and request_uri", func(t *testing.T) {
		page(t, url.Values{"client_id": {spacetest.DemoClientID}, "request_uri": {pushOK(t)}, "request": {"x"}}, "invalid_request", "both request and request_uri")
	})
	t.Run("PAR authenticates the client", func(t *testing.T) {
		mustContain(t, push(t, s, codeRequest(spacetest.DemoClientID, ""), spacetest.DemoClientID, "wrong"), 401, "invalid_client", "client secret is wrong")
	})
	t.Run("PAR validates like the authorization endpoint, in JSON", func(t *testing.T) {
		q := codeRequest(spacetest.DemoClientID, "")
		q.Set("redirect_uri", "https://evil.example/cb")
		mustContain(t, push(t, s, q, spacetest.DemoClientID, spacetest.DemoClientSecret), 400, "unauthorized_client", "is not registered")
	})
	t.Run("a request_uri cannot be pushed", func(t *testing.T) {
		q := codeRequest(spacetest.DemoClientID, "")
		q.Set("request_uri", spacetest.RequestURIPrefix+"x")
		mustContain(t, push(t, s, q, spacetest.DemoClientID, spacetest.DemoClientSecret), 400, "invalid_request", "request_uri cannot be pushed")
	})
	t.Run("client_id must be the authenticated client", func(t *testing.T) {
		mustContain(t, push(t, s, codeRequest(spacetest.DemoPublicClientID, ""), spacetest.DemoClientID, spacetest.DemoClientSecret), 400, "invalid_request", "they name different credentials")
	})
	t.Run("a public client pushes with its client_id", func(t *testing.T) {
		_, challenge := pkcePair()
		if r := push(t, s, codeRequest(spacetest.DemoPublicClientID, challenge), "", ""); r.status != 201 {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	t.Run("a private_key_jwt assertion may name the PAR endpoint", func(t *testing.T) {
		c := assertionClaims(s, spacetest.DemoJWTClientID)
		c["aud"] = s.URL + "/oauth/par"
		c["iat"], c["exp"] = clock.now().Unix(), clock.now().Add(time.Minute).Unix()
		r := post(t, nil, s.URL+"/oauth/par", withAssertion(codeRequest(spacetest.DemoJWTClientID, ""), sign(t, demoRSA(t), jose.RS256, nil, c)), nil)
		if r.status != 201 {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
}

func TestPARRequired(t *testing.T) {
	s := spacetest.Start(t, spacetest.WithPARRequired(true))
	loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, ""), "demo", "demo", "accept")
	if loc.Query().Get("error") != "invalid_request" || !strings.Contains(loc.Query().Get("error_description"), "requires pushed authorization requests") {
		t.Fatalf("an unpushed request: %s", loc)
	}
	r := push(t, s, codeRequest(spacetest.DemoClientID, ""), spacetest.DemoClientID, spacetest.DemoClientSecret)
	front := url.Values{"client_id": {spacetest.DemoClientID}, "request_uri": {r.body["request_uri"].(string)}}
	if loc := newBrowser(t).authorize(s, front, "demo", "demo", "accept"); loc.Query().Get("code") == "" {
		t.Fatalf("a pushed request: %s", loc)
	}
	d := discovery(t, s)
	if d["require_pushed_authorization_requests"] != true || d["pushed_authorization_request_endpoint"] != s.URL+"/oauth/par" {
		t.Fatalf("discovery: %v", d)
	}
}

func discovery(t *testing.T, s *spacetest.Server) map[string]any {
	t.Helper()
	r := do(t, nil, mustRequest(t, "GET", s.URL+"/.well-known/openid-configuration"))
	if r.status != 200 {
		t.Fatalf("discovery: %d", r.status)
	}
	return r.body
}
