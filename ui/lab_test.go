package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// labHarness runs the whole program against a built-in server over real
// HTTP, started at the flow list, at 80×24.
func labHarness(t *testing.T, opts ...spacetest.Option) *harness {
	t.Helper()
	srv := spacetest.Start(t, append([]spacetest.Option{spacetest.WithHeadlessApproval(true)}, opts...)...)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	deps := fuzzDeps(srv, st, loopback.New(), stop, t.TempDir())
	deps.Profiles = nil
	h := newHarness(t, deps, 80, 24, stop)
	h.keep = true
	// A few keys, each waiting for its store or server answer even on a
	// loaded machine: a key pressed before the flow list came would open
	// another entry (seen once under a full go test).
	h.quick = 150 * time.Millisecond
	t.Cleanup(h.close)
	return h
}

func (h *harness) openLabFromTheFlowList() {
	h.t.Helper()
	h.key(tea.KeyPressMsg{Code: tea.KeyUp}) // the list wraps: the lab is last
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	if _, ok := h.app.screen.(*labScreen); !ok {
		h.t.Fatalf("enter on the last entry of the flow list opened %s", h.app.screen.Title())
	}
}

func TestLabDefendedOnEveryExperimentByTheBuiltinServer(t *testing.T) {
	h := labHarness(t)
	h.openLabFromTheFlowList()
	h.key(tea.KeyPressMsg{Code: 'a', Text: "a"})
	l := h.app.screen.(*labScreen)
	h.until("every experiment run", 90*time.Second, func() bool { return len(l.results) == len(lab.Experiments()) && l.running == "" })
	for _, e := range lab.Experiments() {
		if r := l.results[e.ID]; r.Verdict != lab.Defended {
			t.Errorf("%s: %s %s", e.ID, r.Verdict, r.Explanation)
		}
	}
	if !h.seen("12 defended · 0 vulnerable · 0 skipped") {
		t.Fatalf("the tally was never shown; the screen:\n%s", view(h.app))
	}
}

func TestLabShowsAWeakServerVulnerable(t *testing.T) {
	h := labHarness(t, spacetest.WithWeak("replay"))
	h.openLabFromTheFlowList()
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter}) // code-replay, the first
	l := h.app.screen.(*labScreen)
	if !l.detail {
		t.Fatal("running an experiment did not show its steps")
	}
	h.until("code-replay run", 30*time.Second, func() bool { return l.results["code-replay"].Verdict != "" })
	if r := l.results["code-replay"]; r.Verdict != lab.Vulnerable {
		t.Fatalf("code-replay against a server that takes a code twice: %s %s", r.Verdict, r.Explanation)
	}
	screen := view(h.app)
	if !strings.Contains(screen, "VULNERABLE:") || !strings.Contains(screen, "1. Build the authorization URL") {
		t.Fatalf("the verdict and the steps are not on screen:\n%s", screen)
	}
	h.key(esc)
	if !strings.Contains(view(h.app), "✗ VULNERABLE") {
		t.Fatalf("the list does not mark it:\n%s", view(h.app))
	}
	h.key(esc)
	if h.app.screen.Title() != "pick a flow" {
		t.Fatalf("esc from the lab went to %s", h.app.screen.Title())
	}
}

// Against a server without the built-in approval, an experiment that
// needs a sign-in shows where to sign in and waits; s stops it, it ends
// with what it could tell, and the lab keeps working.
func TestLabShowsTheSignInAndStops(t *testing.T) {
	h := labHarness(t)
	h.app.k.state.profile.Params.Provider.Builtin = false // a server like any other: a person signs in
	h.openLabFromTheFlowList()
	h.key(tea.KeyPressMsg{Code: 'a', Text: "a"})
	l := h.app.screen.(*labScreen)
	h.key(tea.KeyPressMsg{Code: 'v', Text: "v"})
	h.until("the sign-in shown", 30*time.Second, func() bool { return l.signIn != "" })
	if screen := strings.Join(strings.Fields(view(h.app)), " "); !strings.Contains(screen, "Sign in to go on") || !strings.Contains(screen, "/oauth/auth?") {
		t.Fatalf("no sign-in on screen:\n%s", view(h.app))
	}
	h.key(tea.KeyPressMsg{Code: 's', Text: "s"})
	h.until("the run stopped", 30*time.Second, func() bool { return l.running == "" })
	if r := l.results["code-replay"]; len(l.queue) != 0 || len(l.results) != 1 || r.Verdict != lab.Skipped || !strings.HasPrefix(r.Explanation, "stopped: ") {
		t.Fatalf("after stop: %d queued, %d results, %+v", len(l.queue), len(l.results), r)
	}
	h.key(esc)
	h.key(tea.KeyPressMsg{Code: 'j', Text: "j"})
	h.key(tea.KeyPressMsg{Code: 'j', Text: "j"})
	h.key(tea.KeyPressMsg{Code: 'j', Text: "j"})
	h.key(tea.KeyPressMsg{Code: 'j', Text: "j"})
	h.key(tea.KeyPressMsg{Code: 'j', Text: "j"}) // redirect-other-path: authplay judges the answer itself
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("a second run", 30*time.Second, func() bool { return l.running == "" && l.results["redirect-other-path"].Verdict != "" })
	if r := l.results["redirect-other-path"]; r.Verdict != lab.Defended {
		t.Fatalf("redirect-other-path: %+v", r)
	}
}

// From the inspector, the lab runs against the session's server and
// client, and esc goes back to the same token.
func TestLabFromTheInspectorAndBack(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	show(a, screensFor(t)["inspector"](a))
	_, cmd := a.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	for _, m := range msgs(cmd) {
		a.Update(m)
	}
	l, ok := a.screen.(*labScreen)
	if !ok {
		t.Fatalf("l opened %s", a.screen.Title())
	}
	if l.params.ClientID != "demo-app" || l.creds.ClientSecret != "s" {
		t.Fatalf("the lab runs as %q with secret %q, not the session's", l.params.ClientID, l.creds.ClientSecret)
	}
	_, cmd = a.Update(esc)
	for _, m := range msgs(cmd) {
		a.Update(m)
	}
	if in, ok := a.screen.(*inspect); !ok || in.sess.ID != "s1" {
		t.Fatalf("esc went to %s", a.screen.Title())
	}
}

// Against a server on another machine the lab asks first: its experiments
// get tokens there and revoke them. No is no request at all.
func TestLabAsksBeforeItRunsAgainstAnotherMachine(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	p := a.k.state.profile.Params
	p.Provider = flows.Provider{Name: "Example", AuthURL: "https://id.example/authorize", TokenURL: "https://id.example/token"}
	show(a, newLab(a.k, a.nextID(), p, flows.Credentials{ClientSecret: "s"}, showPickerMsg{}))
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd != nil {
		t.Fatal("enter ran an experiment against another machine without asking")
	}
	if !strings.Contains(strings.Join(strings.Fields(view(a)), " "), "send id.example requests it should refuse") {
		t.Fatalf("no question on screen:\n%s", view(a))
	}
	a.Update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if l := a.screen.(*labScreen); l.running != "" || len(l.asking) != 0 {
		t.Fatal("n did not cancel")
	}
	a.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	if _, cmd = a.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}); cmd == nil || a.screen.(*labScreen).running != "code-replay" {
		t.Fatal("y did not start the experiments")
	}
	a.screen.(*labScreen).cancel()
}

// labResults is a lab that has run: one of each verdict, with steps.
func labResults() map[string]lab.Result {
	ex := authorizedSession().Steps
	return map[string]lab.Result{
		"code-replay": {ID: "code-replay", Verdict: lab.Defended, RFC: "RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5", Steps: ex,
			Explanation: "the server refused the second redemption (HTTP 400 invalid_grant) and revoked the tokens of the first (introspection says inactive)"},
		"pkce-missing-verifier": {ID: "pkce-missing-verifier", Verdict: lab.Vulnerable, RFC: "RFC 7636 §4.4-4.6", Steps: ex,
			Explanation: "the server traded the code for tokens without the code_verifier its challenge asked for"},
		"redirect-other-path": {ID: "redirect-other-path", Verdict: lab.Skipped, RFC: "RFC 9700 §2.1, §4.1.3; RFC 6749 §3.1.2.4",
			Explanation: "the server showed a sign-in page, so only a sign-in would tell where it sends the browser"},
	}
}

// A profile that found the built-in server by discovery (`authplay
// demo-server --weak pkce`, pointed at by issuer) runs the lab without a
// browser, and the missing defence shows as VULNERABLE.
func TestLabAgainstAWeakDemoServerFoundByDiscovery(t *testing.T) {
	h := labHarness(t, spacetest.WithWeak("pkce"))
	builtin := h.app.k.state.profile.Params.Provider
	prov, _, err := flows.Discover(context.Background(), http.DefaultClient, builtin.ServiceURL)
	if err != nil {
		t.Fatal(err)
	}
	if prov.FamilyOf() != flows.FamilyBuiltin {
		t.Fatalf("discovery did not recognise the built-in server: family %q", prov.FamilyOf())
	}
	h.app.k.state.profile.Params.Provider = prov
	h.openLabFromTheFlowList()
	h.key(tea.KeyPressMsg{Code: tea.KeyDown})
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter}) // pkce-missing-verifier
	l := h.app.screen.(*labScreen)
	h.until("pkce-missing-verifier run", 30*time.Second, func() bool { return l.results["pkce-missing-verifier"].Verdict != "" })
	if r := l.results["pkce-missing-verifier"]; r.Verdict != lab.Vulnerable {
		t.Fatalf("pkce-missing-verifier against a server without PKCE checks: %+v", r)
	}
}
