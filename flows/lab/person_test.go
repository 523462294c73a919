package lab_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/spacetest"
)

func runOne(t *testing.T, id string, env flows.Env, target lab.Target) lab.Result {
	t.Helper()
	e, ok := lab.Find(id)
	if !ok {
		t.Fatalf("no experiment %q", id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return e.Run(ctx, env, target)
}

// nobody is a target whose person never signs in; urls gets what was offered.
func nobody(s *spacetest.Server, wait time.Duration) (lab.Target, *[]string) {
	var mu sync.Mutex
	var urls []string
	target := builtinTarget(s)
	target.Approve = nil
	target.SignInWait = wait
	target.SignIn = func(_ context.Context, u string) error {
		mu.Lock()
		defer mu.Unlock()
		urls = append(urls, u)
		return nil
	}
	return target, &urls
}

func TestNobodySigningInIsSkippedAndTheListenerClosed(t *testing.T) {
	s := spacetest.Start(t)
	env := newEnv(t)
	target, urls := nobody(s, time.Second)
	res := runOne(t, "code-replay", env, target)
	if res.Verdict != lab.Skipped || !strings.Contains(res.Explanation, "nobody signed in within 1 s") {
		t.Fatalf("%s", res.Line())
	}
	if len(*urls) != 1 || !strings.HasPrefix((*urls)[0], s.URL+"/oauth/auth?") {
		t.Fatalf("offered %v", *urls)
	}
	for _, st := range res.Steps {
		for _, ex := range st.Exchanges {
			if strings.Contains(ex.Request.URL, "/oauth/token") {
				t.Fatalf("a token request went out without a code: %s", ex.Request.URL)
			}
		}
	}
	redirect := "http://127.0.0.1:" + strings.Split(strings.Split((*urls)[0], "127.0.0.1%3A")[1], "%2F")[0] + "/callback"
	if env.Loopback.Listening(redirect) {
		t.Fatalf("the listener at %s is still open", redirect)
	}
}

// The redirect experiments judge a refusal without anyone; a server that
// takes the request needs someone to sign in to show where it sends it.
func TestRedirectExperimentsNeedNobodyUnlessTheServerTakesTheRequest(t *testing.T) {
	env := newEnv(t)
	target, urls := nobody(spacetest.Start(t), time.Second)
	target.SignIn = nil
	for _, id := range []string{"redirect-other-path", "redirect-suffix"} {
		if res := runOne(t, id, env, target); res.Verdict != lab.Defended {
			t.Errorf("%s", res.Line())
		}
	}
	weak, _ := nobody(spacetest.Start(t, spacetest.WithWeak(spacetest.WeakRedirect)), time.Second)
	weak.SignIn = nil
	res := runOne(t, "redirect-other-path", env, weak)
	if res.Verdict != lab.Skipped || !strings.Contains(res.Explanation, "a page (HTTP 200: a sign-in page, not an error) instead of refusing another path at once; only someone signing in") {
		t.Errorf("%s", res.Line())
	}
	if len(*urls) != 0 {
		t.Fatalf("someone was asked to sign in: %v", *urls)
	}
}

// person plays a browser: it approves at the built-in server as a person
// would, then follows the redirect wherever the server sends it.
func person(t *testing.T, s *spacetest.Server) lab.Target {
	target := builtinTarget(s)
	approve := target.Approve
	target.Approve = nil
	target.SignIn = func(ctx context.Context, u string) error {
		go func() {
			loc, err := approve(ctx, u)
			if err != nil {
				t.Errorf("approval: %v", err)
				return
			}
			if resp, err := http.Get(loc); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	return target
}

func TestAPersonSigningInServesAsWellAsTheHeadlessApproval(t *testing.T) {
	env := newEnv(t)
	if res := runOne(t, "pkce-wrong-verifier", env, person(t, spacetest.Start(t))); res.Verdict != lab.Defended {
		t.Errorf("%s", res.Line())
	}
	// The person's browser is sent to the unregistered address, where
	// authplay listens to catch it.
	res := runOne(t, "redirect-suffix", env, person(t, spacetest.Start(t, spacetest.WithWeak(spacetest.WeakRedirect))))
	if res.Verdict != lab.Vulnerable || !strings.Contains(res.Explanation, "/callback.evil, which was never registered") {
		t.Errorf("%s", res.Line())
	}
}

func TestSkipsSayWhy(t *testing.T) {
	s := spacetest.Start(t)
	env := newEnv(t)
	public := builtinTarget(s)
	public.Params.ClientID, public.Params.AuthStyle, public.Creds = spacetest.DemoPublicClientID, flows.AuthNone, flows.Credentials{}
	confidentialOnly := builtinTarget(s)
	confidentialOnly.PublicClientID = ""
	noRevocation := builtinTarget(s)
	noRevocation.Params.Provider.RevokeURL = ""
	for _, c := range []struct {
		id     string
		target lab.Target
		want   string
	}{
		{"wrong-secret", public, "is public: it has no secret to get wrong"},
		{"refresh-reuse", confidentialOnly, "does not rotate the refresh tokens of the profile's client demo-app"},
		{"revoked-token", noRevocation, "names no revocation endpoint"},
	} {
		if res := runOne(t, c.id, env, c.target); res.Verdict != lab.Skipped || !strings.Contains(res.Explanation, c.want) {
			t.Errorf("%s: %s", c.id, res.Line())
		}
	}
	// Without a second client the ID token is checked as a made-up one.
	if res := runOne(t, "id-token-audience", env, confidentialOnly); res.Verdict != lab.Defended || !strings.Contains(res.Explanation, "as another-client-than-demo-app, an ID token minted for demo-app") {
		t.Errorf("%s", res.Line())
	}
	// A public profile client shows PKCE enforcement at once.
	if res := runOne(t, "pkce-downgrade", env, public); res.Verdict != lab.Defended || !strings.Contains(res.Explanation, "refused an authorization request without a code_challenge (a redirect carrying error=invalid_request to http://127.0.0.1:") {
		t.Errorf("%s", res.Line())
	}
}

// forged-state is authplay's own defence: it needs no server at all.
func TestForgedStateNeedsNoServer(t *testing.T) {
	target := builtinTarget(spacetest.Start(t))
	target.Params.Provider.AuthURL = "http://127.0.0.1:1/oauth/auth" // nothing listens there
	res := runOne(t, "forged-state", newEnv(t), target)
	if res.Verdict != lab.Defended {
		t.Fatalf("%s", res.Line())
	}
	var notes []string
	for _, st := range res.Steps {
		notes = append(notes, st.Notes...)
	}
	if !strings.Contains(strings.Join(notes, " "), "2 redirect(s) with a wrong or missing state were refused") {
		t.Fatalf("the redirect step does not count the refusals: %q", notes)
	}
}

func TestAnInterruptedExperimentIsSkipped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e, _ := lab.Find("code-replay")
	if res := e.Run(ctx, newEnv(t), builtinTarget(spacetest.Start(t))); res.Verdict != lab.Skipped || res.Explanation != "interrupted before it could finish" {
		t.Fatalf("%s", res.Line())
	}
}
