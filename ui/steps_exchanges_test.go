package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// stepsHarness is the whole program against a built-in server over HTTP,
// with the server at hand for the test's own browser.
func stepsHarness(t *testing.T, opts ...spacetest.Option) (*harness, *spacetest.Server) {
	t.Helper()
	srv := spacetest.Start(t, opts...)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	deps := fuzzDeps(srv, st, loopback.New(), stop, t.TempDir())
	deps.Profiles = nil
	h := newHarness(t, deps, 80, 24, stop)
	h.keep = true
	t.Cleanup(h.close)
	return h, srv
}

// runToInspector opens m's form, runs it, presses approve once the run
// waits for a person, and waits for the inspector; it shows the Steps
// panel and returns its text, colours stripped and spaces folded.
func runToInspector(t *testing.T, h *harness, m flows.Method, readyToApprove func(*runScreen) bool) *inspect {
	t.Helper()
	h.app.goTo(newForm(h.app.k, h.app.nextID(), h.app.draftFor(m)))
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	if readyToApprove != nil {
		h.until("ready to approve", 30*time.Second, func() bool {
			r, ok := h.app.screen.(*runScreen)
			return ok && readyToApprove(r)
		})
		h.key(tea.KeyPressMsg{Code: 'a', Text: "a"})
	}
	h.until("the inspector with its checks", 30*time.Second, func() bool {
		in, ok := h.app.screen.(*inspect)
		return ok && in.checkInput != nil
	})
	h.key(tea.KeyPressMsg{Code: tea.KeyTab}) // Token → Steps
	in := h.app.screen.(*inspect)
	if got := panelNames[in.panel]; got != "Steps" {
		t.Fatalf("tab showed the %s panel", got)
	}
	return in
}

func stepsText(in *inspect) string {
	return strings.Join(strings.Fields(ansi.Strip(in.stepsPanel())), " ")
}

// The Steps panel shows an exchange whole: the request line and headers,
// and the status line and the response's headers.
func TestStepsPanelShowsRequestAndResponseHeaders(t *testing.T) {
	h, srv := stepsHarness(t)
	in := runToInspector(t, h, flows.ClientCredentials, nil)
	panel := stepsText(in)
	for _, want := range []string{
		"POST " + srv.URL + "/oauth/token",                // request line
		"Content-Type: application/x-www-form-urlencoded", // a request header
		"HTTP 200 OK",                    // status line
		"Content-Type: application/json", // a response header
		"Cache-Control: no-store",        // a response header a token answer must carry (RFC 6749 §5.1)
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("the Steps panel lacks %q:\n%s", want, panel)
		}
	}
}

// A device flow's "not yet" polls fold to a count; p shows each with the
// server's answer, authorization_pending and slow_down; p again folds them.
func TestStepsPanelFoldsDevicePollsAndPUnfoldsThem(t *testing.T) {
	h, _ := stepsHarness(t, spacetest.WithDeviceInterval(5*time.Second))
	// No wait between polls: the second comes too soon, and the server
	// answers slow_down (within its 5 s interval), as a real one does.
	h.app.k.deps.Env.Sleep = func(context.Context, time.Duration) error { return nil }
	in := runToInspector(t, h, flows.DeviceCode, func(r *runScreen) bool {
		d := r.sess.State.Device
		return d != nil && d.Polls >= 3
	})
	folded := stepsText(in)
	answers := []string{"Not yet: the server answered authorization_pending", "The server answered slow_down"}
	if !strings.Contains(folded, `polls answered "not yet" (authorization_pending or slow_down); p shows each`) {
		t.Fatalf("the polls are not folded to a count:\n%s", folded)
	}
	for _, a := range answers {
		if strings.Contains(folded, a) {
			t.Errorf("folded, the panel still shows %q", a)
		}
	}
	h.key(tea.KeyPressMsg{Code: 'p', Text: "p"})
	unfolded := stepsText(in)
	for _, a := range append(answers, `"error": "authorization_pending"`, `"error": "slow_down"`, "Poll 1: has the user approved?", "Poll 3: has the user approved?") {
		if !strings.Contains(unfolded, a) {
			t.Errorf("after p, the panel lacks %q:\n%s", a, unfolded)
		}
	}
	if strings.Contains(unfolded, `polls answered "not yet"`) {
		t.Error("after p, the polls are still folded")
	}
	h.key(tea.KeyPressMsg{Code: 'p', Text: "p"})
	if stepsText(in) != folded {
		t.Error("p again does not fold the polls back")
	}
}

// forgingDemo is a browser that first sends the listener redirects with a
// forged state, then signs in for real.
type forgingDemo struct {
	spaceDemo
	forged int
}

func (d forgingDemo) ApproveURL(ctx context.Context, authURL string) error {
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	back := u.Query().Get("redirect_uri")
	for range d.forged {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, back+"?"+url.Values{"code": {"forged-code"}, "state": {"forged-state"}}.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
	}
	return d.spaceDemo.ApproveURL(ctx, authURL)
}

// Redirects refused at the loopback listener for a forged state are told
// in the step that received the real one, and the Steps panel shows it.
func TestStepsPanelShowsRedirectsRefusedForAForgedState(t *testing.T) {
	h, srv := stepsHarness(t)
	h.app.k.deps.Demo = forgingDemo{spaceDemo: spaceDemo{srv}, forged: 2}
	in := runToInspector(t, h, flows.AuthorizationCode, func(r *runScreen) bool { return r.waiting() })
	const note = "2 redirect(s) with a wrong or missing state were refused before this one."
	noted := false
	for _, s := range in.sess.Steps {
		for _, n := range s.Notes {
			noted = noted || n == note
		}
	}
	if !noted {
		t.Errorf("no step notes %q", note)
	}
	if panel := stepsText(in); !strings.Contains(panel, note) {
		t.Errorf("the Steps panel does not show %q:\n%s", note, panel)
	}
}
