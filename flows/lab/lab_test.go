package lab_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// builtinTarget is the built-in server as `authplay probe --demo` sees it:
// the confidential demo client, the public one for what needs it, and the
// server's headless approval instead of a person.
func builtinTarget(s *spacetest.Server) lab.Target {
	p, _ := flows.Space(s.URL)
	p.Builtin = true
	p.IntrospectURL, p.RevokeURL, p.UserinfoURL = s.URL+"/oauth/introspect", s.URL+"/oauth/revoke", s.URL+"/oauth/userinfo"
	return lab.Target{
		Params: flows.Params{Provider: p, ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic, Scope: "**",
			RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256, AccessType: "offline"},
		Creds:          flows.Credentials{ClientSecret: spacetest.DemoClientSecret},
		PublicClientID: spacetest.DemoPublicClientID,
		Approve:        lab.HeadlessApproval(http.DefaultClient, s.URL),
		SignInWait:     10 * time.Second,
	}
}

func newEnv(t *testing.T) flows.Env {
	lb := loopback.New()
	t.Cleanup(lb.CloseAll)
	return flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: lb}
}

// runAll runs every experiment against the target and checks what every
// result must have: a verdict, a line in the probe's shape, steps taken.
func runAll(t *testing.T, target lab.Target) map[string]lab.Result {
	t.Helper()
	env := newEnv(t)
	out := map[string]lab.Result{}
	for _, e := range lab.Experiments() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res := e.Run(ctx, env, target)
		cancel()
		if res.ID != e.ID || res.RFC != e.RFC || res.Explanation == "" || len(res.Steps) == 0 {
			t.Errorf("%s: incomplete result %+v", e.ID, res)
		}
		if line := res.Line(); !strings.HasPrefix(line, string(res.Verdict)+" "+e.ID+": ") || strings.ContainsAny(line, "\n\r\x1b") {
			t.Errorf("%s: line %q", e.ID, line)
		}
		out[e.ID] = res
	}
	return out
}

func verdicts(results map[string]lab.Result, v lab.Verdict) []string {
	var ids []string
	for _, id := range lab.IDs() {
		if results[id].Verdict == v {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestTheBuiltInServerDefendsEveryExperiment(t *testing.T) {
	results := runAll(t, builtinTarget(spacetest.Start(t)))
	for _, id := range lab.IDs() {
		if r := results[id]; r.Verdict != lab.Defended {
			t.Errorf("%s", r.Line())
		}
	}
	// What the lines say is what the server did.
	for id, want := range map[string]string{
		"code-replay":           "revoked the tokens of the first (introspection says inactive)",
		"pkce-missing-verifier": "HTTP 400 invalid_grant",
		"pkce-downgrade":        "HTTP 400 invalid_request",
		"redirect-other-path":   "an error page (HTTP 400) and no redirect",
		"redirect-suffix":       "a suffix on the path, a ../ detour and an extra query parameter with an error page",
		"refresh-reuse":         "revoked the newer one",
		"wrong-secret":          `HTTP 401 invalid_client with WWW-Authenticate: Basic realm="Space"`,
		"revoked-token":         `introspection calls it inactive, and the API answers 401 with error="invalid_token"`,
		"forged-state":          "HTTP 400, 400",
		"id-token-audience":     "minted for demo-public",
	} {
		if !strings.Contains(results[id].Explanation, want) {
			t.Errorf("%s: %q lacks %q", id, results[id].Explanation, want)
		}
	}
}

// Each weak switch makes exactly its own experiments vulnerable.
func TestAWeakServerIsVulnerableOnExactlyTheMatchingExperiments(t *testing.T) {
	cases := map[string][]string{
		spacetest.WeakReplay:   {"code-replay"},
		spacetest.WeakPKCE:     {"pkce-missing-verifier", "pkce-wrong-verifier", "pkce-downgrade"},
		spacetest.WeakRedirect: {"redirect-token-mismatch", "redirect-other-path", "redirect-suffix"},
	}
	all := []string{}
	for _, w := range spacetest.Weaknesses() {
		all = append(all, cases[w]...)
	}
	runs := map[string][]string{"": nil}
	for w := range cases {
		runs[w] = []string{w}
	}
	runs["all"] = spacetest.Weaknesses()
	for name, weak := range runs {
		if name == "" {
			continue // the test above
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			results := runAll(t, builtinTarget(spacetest.Start(t, spacetest.WithWeak(weak...))))
			want := cases[name]
			if name == "all" {
				want = all
			}
			got := verdicts(results, lab.Vulnerable)
			slices.Sort(got)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(got, want) {
				t.Errorf("vulnerable on %v, want %v", got, want)
			}
			for _, id := range lab.IDs() {
				if r := results[id]; !slices.Contains(want, id) && r.Verdict != lab.Defended {
					t.Errorf("%s", r.Line())
				}
			}
		})
	}
}

func TestVulnerableLinesSayWhatTheServerDid(t *testing.T) {
	results := runAll(t, builtinTarget(spacetest.Start(t, spacetest.WithWeak(spacetest.Weaknesses()...))))
	for id, want := range map[string]string{
		"code-replay":             "issued tokens a second time",
		"pkce-missing-verifier":   "no code_verifier came",
		"pkce-downgrade":          "without a challenge",
		"redirect-token-mismatch": "/authplay-lab-elsewhere",
		"redirect-other-path":     "the server answered with a page (HTTP 200: a sign-in page, not an error) instead of refusing another path at once, and after sign-in sent a code to http://127.0.0.1:",
		"redirect-suffix":         "after sign-in sent a code to http://127.0.0.1:",
	} {
		if r := results[id]; r.Verdict != lab.Vulnerable || !strings.Contains(r.Explanation, want) {
			t.Errorf("%s: %q lacks %q", id, r.Line(), want)
		}
	}
}

// Steps are kept as a screen shows them: codes, tokens and the client
// secret masked everywhere, in the experiments' own steps too.
func TestStepsNeverHoldASecret(t *testing.T) {
	s := spacetest.Start(t, spacetest.WithWeak(spacetest.Weaknesses()...))
	var seen []flows.Step
	target := builtinTarget(s)
	target.Progress = func(st flows.Step) { seen = append(seen, st) }
	results := runAll(t, target)
	raw, _ := json.Marshal(results)
	if len(seen) == 0 || !strings.Contains(string(raw), `"caption"`) {
		t.Fatalf("no steps were seen (%d)", len(seen))
	}
	// Whole values only: a masked one keeps a few characters of each end.
	whole := regexp.MustCompile(`spc-[0-9a-f]{32}|sprt-[0-9a-f]{48}|eyJ[A-Za-z0-9_-]{20,}\.|` + spacetest.DemoClientSecret)
	for _, st := range seen {
		b, _ := json.Marshal(st)
		if m := whole.FindString(string(b)); m != "" {
			t.Errorf("step %q holds %q", st.Caption, m)
		}
	}
}
