package ui

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// spaceDemo approves on an in-process built-in server, as the TUI's demo
// shortcut does in the real program.
type spaceDemo struct{ s *spacetest.Server }

func (d spaceDemo) ApproveURL(ctx context.Context, authURL string) error {
	loc, err := d.s.ApproveAuthorization(authURL, spacetest.DemoUsername, true)
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func (d spaceDemo) ApproveDevice(_ context.Context, code string) error {
	return d.s.ApproveDevice(code, spacetest.DemoUsername, true)
}

func (d spaceDemo) SendSigned(context.Context, string, string) error { return nil }

func journeyDeps(t *testing.T, m flows.Method) Deps {
	s := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second))
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	lb := loopback.New()
	t.Cleanup(lb.CloseAll)
	deps := goldenDeps()
	deps.Now, deps.Theme, deps.Flow = nil, "charm", m
	p := &deps.Profile.Params
	prov, _ := flows.Space(s.URL)
	prov.Builtin, prov.DeviceURL = true, s.URL+"/oauth/device"
	p.Provider = prov
	deps.Sessions, deps.Demo = st, spaceDemo{s}
	deps.Env = flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: lb}
	return deps
}

func journey(t *testing.T, m flows.Method, approve bool) *App {
	tm := teatest.NewTestModel(t, New(journeyDeps(t, m)),
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitText := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitText("will send")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if approve {
		waitText("approve (demo)")
		tm.Type("a")
	}
	waitText("Access token")
	tm.Type("q")
	app := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if _, ok := app.screen.(*inspect); !ok {
		t.Fatalf("ended on %s", app.screen.Title())
	}
	return app
}

func TestJourneyClientCredentials(t *testing.T) {
	a := journey(t, flows.ClientCredentials, false)
	if got := a.screen.(*inspect).sess.State.ActsFor(); !strings.Contains(got, "application") {
		t.Errorf("acts for %q", got)
	}
}

func TestJourneyPassword(t *testing.T) {
	a := journey(t, flows.Password, false)
	if a.screen.(*inspect).sess.State.Token.RefreshToken == "" {
		t.Error("offline password flow gave no refresh token")
	}
}

func TestJourneyDevice(t *testing.T) {
	a := journey(t, flows.DeviceCode, true)
	if polls := a.screen.(*inspect).sess.State.Device.Polls; polls < 1 {
		t.Errorf("polls %d", polls)
	}
}

func TestJourneyAuthorizationCode(t *testing.T) {
	a := journey(t, flows.AuthorizationCode, true)
	if st := a.screen.(*inspect).sess.State; !st.StateMatched || st.Token.RefreshToken == "" {
		t.Errorf("%+v", st)
	}
}
