package spacetest_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

// authStatus sends an authorization request without following redirects.
func authStatus(t *testing.T, s *spacetest.Server, q url.Values) (int, *url.URL) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.URL + "/oauth/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc
}

// Each weak switch turns off its own defences and no other; without one
// the server refuses all of them (the defended answers are pinned by the
// tests named in the conformance table, and again here side by side).
func TestWeakSwitchesTurnOffExactlyTheirDefences(t *testing.T) {
	verifier, challenge := pkcePair()
	otherPath := strings.Replace(loopbackCallback, "/callback", "/callback.evil", 1)
	type probe struct {
		name, weakness string
		accepted       func(t *testing.T, s *spacetest.Server) bool
	}
	code := func(t *testing.T, s *spacetest.Server, challenge string) string {
		loc := newBrowser(t).authorize(s, codeRequest(spacetest.DemoClientID, challenge), "demo", "demo", "accept")
		return loc.Query().Get("code")
	}
	probes := []probe{
		{"code redeemed twice", spacetest.WeakReplay, func(t *testing.T, s *spacetest.Server) bool {
			c := code(t, s, challenge)
			if first := exchange(t, s, c, verifier); first.status != 200 {
				t.Fatalf("first redemption: %d %v", first.status, first.body)
			}
			return exchange(t, s, c, verifier).status == 200
		}},
		{"no code_verifier", spacetest.WeakPKCE, func(t *testing.T, s *spacetest.Server) bool {
			return exchange(t, s, code(t, s, challenge), "").status == 200
		}},
		{"wrong code_verifier", spacetest.WeakPKCE, func(t *testing.T, s *spacetest.Server) bool {
			return exchange(t, s, code(t, s, challenge), strings.Repeat("w", 43)).status == 200
		}},
		{"code_verifier without a challenge", spacetest.WeakPKCE, func(t *testing.T, s *spacetest.Server) bool {
			return exchange(t, s, code(t, s, ""), verifier).status == 200
		}},
		{"unregistered path at the authorization endpoint", spacetest.WeakRedirect, func(t *testing.T, s *spacetest.Server) bool {
			q := codeRequest(spacetest.DemoClientID, challenge)
			q.Set("redirect_uri", otherPath)
			status, _ := authStatus(t, s, q)
			return status == http.StatusOK // the sign-in page: the request was taken
		}},
		{"another redirect_uri at the token endpoint", spacetest.WeakRedirect, func(t *testing.T, s *spacetest.Server) bool {
			r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{
				"grant_type": {"authorization_code"}, "code": {code(t, s, challenge)}, "redirect_uri": {otherPath}, "code_verifier": {verifier},
			})
			return r.status == 200
		}},
	}
	for _, weak := range append([]string{""}, spacetest.Weaknesses()...) {
		var opts []spacetest.Option
		if weak != "" {
			opts = append(opts, spacetest.WithWeak(weak))
		}
		s := spacetest.Start(t, opts...)
		if got := s.Weak(); (weak == "" && got != nil) || (weak != "" && !slices.Equal(got, []string{weak})) {
			t.Fatalf("Weak() = %v with %q", got, weak)
		}
		for _, p := range probes {
			if got, want := p.accepted(t, s), p.weakness == weak; got != want {
				t.Errorf("weak %q: %s accepted = %v, want %v", weak, p.name, got, want)
			}
		}
	}
}

func TestWeakRedirectStillNeedsTheRegisteredHost(t *testing.T) {
	s := spacetest.Start(t, spacetest.WithWeak(spacetest.WeakRedirect))
	q := codeRequest(spacetest.DemoClientID, "")
	q.Set("redirect_uri", "https://evil.example/callback")
	if status, loc := authStatus(t, s, q); status != http.StatusBadRequest || loc.String() != "" {
		t.Fatalf("another host: %d %s", status, loc)
	}
	q.Set("redirect_uri", "http://127.0.0.1:1/elsewhere?x=1")
	loc := newBrowser(t).authorize(s, q, "demo", "demo", "accept")
	if !strings.HasPrefix(loc.String(), "http://127.0.0.1:1/elsewhere?") || loc.Query().Get("code") == "" {
		t.Fatalf("the weak server did not send the code to the other path: %s", loc)
	}
}

func TestUnknownWeaknessIsRefused(t *testing.T) {
	if s, err := spacetest.NewServer(spacetest.WithWeak("replay", "csrf")); err == nil || !strings.Contains(err.Error(), `"csrf"`) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("NewServer with an unknown weakness: %v", err)
	}
	if got, err := spacetest.ParseWeak(" replay, pkce,replay,"); err != nil || !slices.Equal(got, []string{"replay", "pkce"}) {
		t.Fatalf("ParseWeak: %v %v", got, err)
	}
	if _, err := spacetest.ParseWeak("replay,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("ParseWeak nope: %v", err)
	}
}
