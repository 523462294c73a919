package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// Every row of the shared hostile table, through the TUI: the run ends (a
// token or the failure view), every frame on the way and every inspector
// panel carries no escape but the program's own colours, the person reads
// what happened, nothing reaches the second host, and the browser opener
// is never handed anything but http(s). The TUI has no --strict: a row
// that fails only under --strict ends in the inspector, whose checks say
// what is wrong.
func TestHostileTableInTheTUI(t *testing.T) {
	for _, row := range hostiletest.Rows() {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			s := row.Start(t)
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var opened []string
			stop := make(chan struct{})
			deps := Deps{
				Theme: "charm", Sessions: st, Flow: row.Method, Clipboard: func(string) error { return nil },
				Profile: Profile{Name: "hostile", Params: row.Params(s), Creds: row.Credentials()},
				Env: flows.Env{HTTP: wire.NewClient(3 * time.Second), Loopback: loopback.New(),
					OpenBrowser: func(u string) error {
						mu.Lock()
						opened = append(opened, u)
						mu.Unlock()
						go row.Browse(u) //nolint:errcheck // the flow reports what arrives
						return nil
					},
					Sleep: func(_ context.Context, d time.Duration) error { return sleepOrStop(d, stop) },
				},
			}
			h := newHarness(t, deps, 80, 24, stop)
			h.keep = true
			defer h.close()
			h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
			if row.Method == flows.DeviceCode {
				h.until("waiting for the user", 10*time.Second, func() bool { return h.runPhase() == flows.PhaseAwaitingUser || h.done() })
				h.key(tea.KeyPressMsg{Code: 'o', Text: "o"})
			}
			h.until("finished", 30*time.Second, h.done)
			_, atInspector := h.app.screen.(*inspect)
			failed := !atInspector
			if want := row.Want.Fail && !row.Strict; failed != want {
				t.Fatalf("failed = %v, want %v; the screen:\n%s", failed, want, h.frames[len(h.frames)-1])
			}
			if !failed {
				h.until("checked", 10*time.Second, func() bool { return h.app.screen.(*inspect).checkInput != nil })
				for range panelNames {
					h.key(tea.KeyPressMsg{Code: tea.KeyTab})
					for range 30 {
						h.key(tea.KeyPressMsg{Code: tea.KeyDown})
					}
				}
				h.key(tea.KeyPressMsg{Code: 'C', Text: "C"})
				h.key(tea.KeyPressMsg{Code: tea.KeyEscape})
			}
			for _, want := range []string{row.Want.Shown, row.Want.Warning} {
				if want != "" && !h.seen(want) {
					t.Errorf("no frame says %q; the last:\n%s", want, h.frames[len(h.frames)-1])
				}
			}
			if n := s.OtherHits.Load(); n != 0 {
				t.Errorf("%d request(s) reached the second host", n)
			}
			for _, f := range h.frames {
				if strings.Contains(f, hostiletest.ClientSecret) || strings.Contains(f, hostiletest.Password) || strings.Contains(f, hostiletest.SubjectToken) {
					t.Fatalf("a secret is on screen:\n%s", f)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, u := range opened {
				if flows.OpenableURL(u) != nil {
					t.Errorf("asked the browser to open %q", u)
				}
			}
		})
	}
}

// done: the run reached the inspector or stopped with a failure.
func (h *harness) done() bool {
	if _, ok := h.app.screen.(*inspect); ok {
		return true
	}
	r, ok := h.app.screen.(*runScreen)
	return ok && r.failed()
}

func (h *harness) runPhase() flows.Phase {
	if r, ok := h.app.screen.(*runScreen); ok {
		return r.sess.State.Phase
	}
	return ""
}

func sleepOrStop(d time.Duration, stop chan struct{}) error {
	select {
	case <-time.After(d):
		return nil
	case <-stop:
		return errors.New("the test ended")
	}
}

// A secret sent over plain http to another machine stays in sight: the
// inspector says so above its panels.
func TestPlainHTTPWarningInTheInspector(t *testing.T) {
	srv := hostiletest.Row{Serve: func(_ *hostiletest.Servers, w http.ResponseWriter, _ *http.Request) {
		hostiletest.JSON(w, 200, map[string]any{"access_token": "at", "token_type": "Bearer"})
	}}.Start(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	prov := flows.Provider{Name: "remote", Kind: flows.KindEndpoints, TokenURL: "http://idp.example.test/token"}
	deps := Deps{Theme: "charm", Sessions: st, Flow: flows.ClientCredentials,
		Profile: Profile{Name: "remote", Params: flows.Params{Provider: prov, ClientID: "c"}, Creds: flows.Credentials{ClientSecret: "s"}},
		Env:     flows.Env{HTTP: hostiletest.NewProxy(t, srv.Main.URL).Client(), Loopback: loopback.New()}}
	h := newHarness(t, deps, 80, 24, stop)
	h.keep = true
	defer h.close()
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	if !h.seen("⚠ This request carried a credential over plain http to idp.example.test") {
		t.Fatalf("no warning:\n%s", h.frames[len(h.frames)-1])
	}
}
