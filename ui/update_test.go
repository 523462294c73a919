package ui

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/store"
)

// The base of the test pyramid: Update and View alone, no program, no
// goroutines. The deps here fail the test when called, so every key on
// every screen proves that Update and View do no I/O: the store, HTTP,
// the clipboard, the browser, files and key generation are only ever
// reached from commands, which these tests do not run.

// failingSessions fails the test on any call.
type failingSessions struct{ t *testing.T }

func (f failingSessions) fail(what string) {
	f.t.Helper()
	f.t.Fatalf("the session store was called in Update or View: %s", what)
}
func (f failingSessions) Create(string, flows.State) (store.Session, error) {
	f.fail("Create")
	return store.Session{}, nil
}
func (f failingSessions) Advance(context.Context, string, flows.Credentials, flows.Env, flows.Input) (store.Session, flows.Step, error) {
	f.fail("Advance")
	return store.Session{}, flows.Step{}, nil
}
func (f failingSessions) Get(string) (store.Session, error) {
	f.fail("Get")
	return store.Session{}, nil
}
func (f failingSessions) List(string, string) ([]store.Summary, error) {
	f.fail("List")
	return nil, nil
}
func (f failingSessions) Page(int, store.Summary, func(store.Summary) bool) ([]store.Summary, error) {
	f.fail("Page")
	return nil, nil
}
func (f failingSessions) Delete(string) error                { f.fail("Delete"); return nil }
func (f failingSessions) WriteReport(string) (string, error) { f.fail("WriteReport"); return "", nil }
func (f failingSessions) Notices() []string                  { f.fail("Notices"); return nil }
func (f failingSessions) RecentCalls(string) ([]flows.APIRequest, error) {
	f.fail("RecentCalls")
	return nil, nil
}
func (f failingSessions) RememberCall(string, flows.APIRequest) error {
	f.fail("RememberCall")
	return nil
}

type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Fatalf("HTTP was used in Update or View: %s %s", r.Method, r.URL)
	return nil, nil
}

type failingDemo struct{ t *testing.T }

func (f failingDemo) ApproveURL(context.Context, string) error {
	f.t.Fatal("demo approval in Update")
	return nil
}
func (f failingDemo) ApproveDevice(context.Context, string) error {
	f.t.Fatal("demo approval in Update")
	return nil
}
func (f failingDemo) SendSigned(context.Context, string, string) error {
	f.t.Fatal("demo send in Update")
	return nil
}

// strictDeps are goldenDeps whose every door to the outside fails the test.
func strictDeps(t *testing.T) Deps {
	d := goldenDeps()
	d.Sessions = failingSessions{t}
	d.Env = flows.Env{HTTP: &http.Client{Transport: failingTransport{t}}, Loopback: loopback.New(),
		OpenBrowser: func(string) error { t.Fatal("the browser was opened in Update"); return nil },
		Sleep:       func(context.Context, time.Duration) error { t.Fatal("slept in Update"); return nil }}
	d.OpenBrowser = func(string) error { t.Fatal("the browser was opened in Update"); return nil }
	d.Clipboard = func(string) error { t.Fatal("the clipboard was written in Update"); return nil }
	d.CreateFile = func(string, []byte) error { t.Fatal("a file was written in Update"); return nil }
	d.ReadFile = func(string) ([]byte, error) { t.Fatal("a file was read in Update"); return nil, nil }
	d.SaveProfile = func(store.Profile) error { t.Fatal("a profile was saved in Update"); return nil }
	d.SaveSettings = func(store.Settings) error { t.Fatal("the settings were saved in Update"); return nil }
	d.GenerateKey = func() (ed25519.PublicKey, ed25519.PrivateKey, error) {
		t.Fatal("a key was made in Update")
		return nil, nil, nil
	}
	d.Demo = failingDemo{t}
	other := d.Profile
	other.Name = "other"
	d.Profiles = []Profile{d.Profile, other}
	d.ProfilesPath = "/nonexistent/profiles.json"
	return d
}

// everyKey is every key a help line lists, and the ones people press anyway.
var everyKey = func() []tea.KeyPressMsg {
	keys := []tea.KeyPressMsg{
		{Code: tea.KeyEnter}, {Code: tea.KeyTab}, {Code: tea.KeyTab, Mod: tea.ModShift}, {Code: tea.KeyEscape},
		{Code: tea.KeyUp}, {Code: tea.KeyDown}, {Code: tea.KeyLeft}, {Code: tea.KeyRight}, {Code: tea.KeySpace, Text: " "},
		{Code: tea.KeyBackspace}, {Code: 'r', Mod: tea.ModCtrl}, {Code: 't', Mod: tea.ModCtrl}, {Code: 'p', Mod: tea.ModCtrl},
	}
	for _, r := range "abcdefghijklmnopqrstuvwxyzACKX1234?" {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return keys
}()

// screensFor builds each screen, on an app with strict deps, in the
// states that matter: every method's form, a run waiting, polling and
// failed, the inspector, and the others.
func screensFor(t *testing.T) map[string]func(a *App) Screen {
	out := map[string]func(a *App) Screen{
		"start":      func(a *App) Screen { s := newStart(a.k, a.nextID()); s.loaded = true; return s },
		"picker":     func(a *App) Screen { return newPicker(a.k, a.nextID()) },
		"guide":      func(a *App) Screen { return newGuide(a.k, a.nextID(), flows.AuthorizationCode) },
		"newprofile": func(a *App) Screen { return newProfileForm(a.k, a.nextID()) },
		"signatures": func(a *App) Screen { return newSignatures(a.k, a.nextID()) },
		"lab": func(a *App) Screen {
			return newLab(a.k, a.nextID(), a.k.state.profile.Params, a.k.state.profile.Creds, showPickerMsg{})
		},
		"lab/results": func(a *App) Screen {
			l := newLab(a.k, a.nextID(), a.k.state.profile.Params, a.k.state.profile.Creds, showPickerMsg{})
			l.results = labResults()
			return l
		},
		"inspector": func(a *App) Screen {
			return newInspect(a.k, a.nextID(), authorizedSession(), flows.Credentials{ClientSecret: "s"})
		},
		"run/waiting": func(a *App) Screen {
			r := newRun(a.k, a.nextID(), a.draftFor(flows.AuthorizationCode), flows.State{Method: flows.AuthorizationCode})
			r.created = true
			r.sess.State = flows.State{Method: flows.AuthorizationCode, Phase: flows.PhaseAwaitingRedirect, AuthURL: "http://127.0.0.1:9090/oauth/auth?x=1", RedirectURI: "http://127.0.0.1:5/cb"}
			return r
		},
		"run/device": func(a *App) Screen {
			r := newRun(a.k, a.nextID(), a.draftFor(flows.DeviceCode), flows.State{Method: flows.DeviceCode})
			r.created = true
			r.sess.State = flows.State{Method: flows.DeviceCode, Phase: flows.PhaseAwaitingUser, Device: &flows.DeviceState{UserCode: "AB-CD", VerificationURI: "http://127.0.0.1:9090/device", Expires: goldenNow.Add(time.Minute)}}
			return r
		},
		"run/failed": func(a *App) Screen {
			r := newRun(a.k, a.nextID(), a.draftFor(flows.ClientCredentials), flows.State{Method: flows.ClientCredentials})
			r.created = true
			r.sess.State = flows.State{Method: flows.ClientCredentials, Phase: flows.PhaseFailed, Failure: &flows.Diagnosis{Fix: "fix it", Cause: "c"}}
			return r
		},
	}
	for _, s := range flows.Specs() {
		m := s.Info.Method
		out["form/"+string(m)] = func(a *App) Screen { return newForm(a.k, a.nextID(), a.draftFor(m)) }
	}
	return out
}

func TestEveryKeyOnEveryScreenDoesNoIO(t *testing.T) {
	for name, build := range screensFor(t) {
		t.Run(name, func(t *testing.T) {
			for _, k := range everyKey {
				a := goldenApp(t, strictDeps(t))
				show(a, build(a))
				for range 3 { // a key pressed again finds the screen in its new state
					a.Update(k)
					_ = a.View()
				}
			}
		})
	}
}

// msgs runs a command that must do no I/O (a navigation message, a
// batch of them) and returns what it yields.
func msgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, msgs(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// press delivers a key and then the navigation messages it asks for, as
// the runtime would; commands with I/O are not run (navigation-only
// commands on these screens do none).
func press(t *testing.T, a *App, k tea.KeyPressMsg) {
	t.Helper()
	_, cmd := a.Update(k)
	for _, m := range msgs(cmd) {
		switch m.(type) {
		case showPickerMsg, showStartMsg, editMsg, flowChosenMsg, newProfileMsg, profileChosenMsg, guideChosenMsg, signaturesChosenMsg, labChosenMsg:
			a.Update(m)
		}
	}
}

var esc = tea.KeyPressMsg{Code: tea.KeyEscape}

func TestBackFromEveryScreen(t *testing.T) {
	want := map[string]string{
		"picker": "start", "guide": "pick a flow", "newprofile": "start", "signatures": "pick a flow", "lab": "pick a flow",
		"run/failed": "parameters", "run/waiting": "parameters", "run/device": "parameters",
	}
	for _, s := range flows.Specs() {
		want["form/"+string(s.Info.Method)] = "pick a flow"
	}
	screens := screensFor(t)
	for name, to := range want {
		t.Run(name, func(t *testing.T) {
			a := goldenApp(t, strictDeps(t))
			show(a, screens[name](a))
			a.k.deps.Env.Loopback = nil // leaving a run closes its listener in a command, never here
			press(t, a, esc)
			if got := a.screen.Title(); got != to {
				t.Fatalf("esc went to %q, want %q", got, to)
			}
		})
	}
	t.Run("inspector: n is a new run of the same flow", func(t *testing.T) {
		a := goldenApp(t, strictDeps(t))
		show(a, screensFor(t)["inspector"](a))
		press(t, a, tea.KeyPressMsg{Code: 'n', Text: "n"})
		if f, ok := a.screen.(*form); !ok || f.draft.Method != flows.AuthorizationCode {
			t.Fatalf("n went to %s", a.screen.Title())
		}
	})
}

// A result that arrives for a screen the person has left is dropped, even
// when a screen of the same kind is on show now.
func TestStaleResultsAreDropped(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	old := screensFor(t)["run/waiting"](a).(*runScreen)
	now := screensFor(t)["run/waiting"](a).(*runScreen)
	show(a, now)
	done := store.Session{ID: "x", State: flows.State{Method: flows.AuthorizationCode, Phase: flows.PhaseAuthorized, Token: &flows.Token{AccessToken: "t"}}}
	for _, m := range []tea.Msg{stepDoneMsg{owner: old.id, sess: done}, createdMsg{owner: old.id, sess: done}} {
		a.Update(m)
		if a.screen != Screen(now) || now.sess.ID == "x" {
			t.Fatalf("a stale %T moved the screen: %s", m, a.screen.Title())
		}
	}
	in := newInspect(a.k, a.nextID(), authorizedSession(), flows.Credentials{})
	show(a, in)
	a.Update(checksMsg{owner: in.id - 1, input: flows.CheckInput{Issuer: "stale"}})
	if in.checkInput != nil {
		t.Fatal("the inspector took another screen's checks")
	}
	a.Update(stepDoneMsg{owner: in.id + 7, step: flows.Step{Name: "introspect", Caption: "stale"}})
	if in.lastCall != nil {
		t.Fatal("the inspector took another screen's action result")
	}
	start := newStart(a.k, a.nextID())
	show(a, start)
	a.Update(sessionsLoadedMsg{owner: start.id + 1, list: []store.Summary{{ID: "stale"}}})
	if len(start.sessions) != 0 {
		t.Fatal("the start screen took another screen's session list")
	}
}

// q while a text field has focus is a letter, not quit.
func TestQTypesIntoAFocusedField(t *testing.T) {
	d := strictDeps(t)
	d.Flow = flows.ClientCredentials
	a := goldenApp(t, d)
	a.Init()
	_, cmd := a.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	for _, m := range msgs(cmd) {
		if _, quit := m.(tea.QuitMsg); quit {
			t.Fatal("q quit while a field had focus")
		}
	}
	f := a.screen.(*form)
	if got := f.draft.Params.Provider.TokenURL; !strings.HasSuffix(got, "/oauth/tokenq") {
		t.Fatalf("q was not typed: %q", got)
	}
	a.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}) // onto client auth, a choice
	a.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	for f.rows.Typing() {
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	_, cmd = a.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if ms := msgs(cmd); len(ms) != 1 || ms[0] != tea.Quit() {
		t.Fatalf("q on a choice did not quit: %v", ms)
	}
}

func TestGlobalKeys(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	if !a.showHelp || !strings.Contains(view(a), "Keys on this screen") {
		t.Fatal("? shows no help")
	}
	a.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if a.showHelp || a.screen.(*start).cursor != 0 {
		t.Fatal("a key on the help overlay should only close it")
	}
	before := a.k.styles.Name
	_, cmd := a.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	if a.k.styles.Name == before || cmd == nil {
		t.Fatal("ctrl+t did not change the theme")
	}
	_, cmd = a.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if ms := msgs(cmd); len(ms) != 1 || fmt.Sprintf("%T", ms[0]) != "tea.InterruptMsg" {
		t.Fatalf("ctrl+c: %v", ms)
	}
	_, cmd = a.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if ms := msgs(cmd); len(ms) != 1 || ms[0] != tea.Quit() {
		t.Fatalf("q: %v", ms)
	}
}

// The copy-as menu offers each token format; a digit copies that one.
func TestCopyAsMenu(t *testing.T) {
	var copied string
	d := strictDeps(t)
	d.Clipboard = func(s string) error { copied = s; return nil }
	a := goldenApp(t, d)
	in := newInspect(a.k, a.nextID(), authorizedSession(), flows.Credentials{})
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	if v := view(a); !in.copyAs || !strings.Contains(v, "Copy as:") || !strings.Contains(v, "3 curl") {
		t.Fatalf("no menu:\n%s", v)
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: '3', Text: "3"})
	if copied != "" {
		t.Fatal("copied inside Update")
	}
	var said string
	for _, m := range msgs(cmd) {
		if c, ok := m.(copiedMsg); ok {
			said = c.what
		}
	}
	if !strings.HasPrefix(copied, "curl -sS -H 'Authorization: Bearer ey") || said != "a curl command" || in.copyAs {
		t.Fatalf("copied %q, said %q", copied, said)
	}
	a.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	a.Update(esc)
	if in.copyAs {
		t.Fatal("esc did not close the menu")
	}
}

func TestResumeGoesWhereTheSessionLeftOff(t *testing.T) {
	d := strictDeps(t)
	nosecret := d.Profile
	nosecret.Name, nosecret.Creds = "acme", flows.Credentials{}
	d.Profiles = append(d.Profiles, nosecret)
	for _, c := range []struct {
		phase flows.Phase
		want  string
	}{{flows.PhaseAuthorized, "token"}, {flows.PhaseAwaitingRedirect, "running"}, {flows.PhaseFailed, "running"}} {
		a := goldenApp(t, d)
		st := flows.Start(flows.AuthorizationCode, nosecret.Params)
		st.Phase = c.phase
		if c.phase == flows.PhaseAuthorized {
			st = authorizedSession().State
		}
		a.Update(resumeMsg{sess: store.Session{ID: "s", Profile: "acme", Method: flows.AuthorizationCode, State: st}})
		if a.screen.Title() != c.want {
			t.Errorf("%s resumed to %s", c.phase, a.screen.Title())
		}
		if r, ok := a.screen.(*runScreen); ok && c.phase == flows.PhaseAwaitingRedirect && r.mode != inputSecret {
			t.Error("a waiting session with no saved secret did not ask for it")
		}
		if a.k.state.profile.Name != "acme" {
			t.Error("resume did not take the session's profile")
		}
	}
}

// After a failed run, enter goes back to the form with what was typed,
// not the profile's values.
func TestEditAfterFailureKeepsWhatWasTyped(t *testing.T) {
	d := strictDeps(t)
	d.Flow = flows.ClientCredentials
	a := goldenApp(t, d)
	f := a.screen.(*form)
	for f.rows.focused().id != string(flows.FieldClientID) {
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	for _, r := range "-changed" {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	sub := msgs(cmd)[0].(submitMsg)
	a.Update(sub) // the run screen, created but not started (Init is a command)
	r := a.screen.(*runScreen)
	r.created = true
	a.Update(stepDoneMsg{owner: r.id, sess: store.Session{ID: "s", Method: flows.ClientCredentials,
		State: flows.State{Method: flows.ClientCredentials, Phase: flows.PhaseFailed, Params: sub.draft.Params, Failure: &flows.Diagnosis{Fix: "f"}}}})
	press(t, a, tea.KeyPressMsg{Code: tea.KeyEnter})
	f, ok := a.screen.(*form)
	if !ok || f.draft.Params.ClientID != "demo-app-changed" || f.rows.row(string(flows.FieldClientID)).value() != "demo-app-changed" {
		t.Fatalf("edit lost what was typed: on %s", a.screen.Title())
	}
}

// Deleting the word forward from the last character crashed bubbles'
// text input (found by FuzzRootModel); here it deletes that character.
func TestDeleteWordForwardAtTheLastCharacter(t *testing.T) {
	d := strictDeps(t)
	d.Flow = flows.ClientCredentials
	a := goldenApp(t, d)
	a.Init()
	a.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	a.Update(tea.KeyPressMsg{Code: 'd', Mod: tea.ModAlt})
	if got := a.screen.(*form).draft.Params.Provider.TokenURL; got != "http://127.0.0.1:9090/oauth/toke" {
		t.Fatalf("token URL %q", got)
	}
}

// In step mode an action on the token pauses before its request; enter
// sends it (in a command), e edits it, esc does not take it.
func TestStepModePausesBeforeAnAction(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	a.Update(tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl})
	if !a.k.state.stepMode {
		t.Fatal("ctrl+p did not turn step mode on")
	}
	sess := authorizedSession()
	sess.State.Params.Provider.IntrospectURL = "http://127.0.0.1:9090/oauth/introspect"
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{ClientSecret: "s"})
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	if v := view(a); !in.gate.paused() || !strings.Contains(v, "POST http://127.0.0.1:9090/oauth/introspect") || !strings.Contains(v, "token_type_hint=access_token") {
		t.Fatalf("no pause before the introspection:\n%s", v)
	}
	a.Update(tea.KeyPressMsg{Code: 'e', Text: "e"})
	if !in.Typing() || !strings.Contains(view(a), "Edit the request") {
		t.Fatal("e did not open the editor")
	}
	a.Update(esc)
	a.Update(esc)
	if in.gate.paused() {
		t.Fatal("esc at the gate did not drop the action")
	}
	a.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	if _, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd == nil || in.gate.paused() || in.busy == "" {
		t.Fatal("enter did not send the paused request")
	}
}
