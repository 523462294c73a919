package ui

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// goldenScreens is every screen and panel in the state a person meets it,
// with fixed times, ports and random values, so each renders the same on
// every machine.
func goldenScreens(t *testing.T) map[string]func(a *App) Screen {
	out := screensFor(t)
	delete(out, "run/waiting") // TestGoldenWaitingForRedirect has it with a real URL
	for name, build := range out {
		if strings.HasPrefix(name, "form/") {
			out[name] = func(a *App) Screen {
				f := build(a).(*form)
				f.prev.StateValue, f.prev.Verifier, f.prev.Nonce = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "n-0S6_WzA2Mj"
				return f
			}
		}
	}
	inspector := func(a *App, p panel) *inspect {
		in := newInspect(a.k, a.nextID(), authorizedSession(), flows.Credentials{ClientSecret: "s"})
		in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: "demo-app", StateChecked: true, UsedState: true, JWKSError: "the test has no key set"}
		in.panel = p
		return in
	}
	out["inspector"] = func(a *App) Screen { return inspector(a, panelToken) }
	out["inspector/steps"] = func(a *App) Screen { return inspector(a, panelSteps) }
	out["inspector/raw"] = func(a *App) Screen { return inspector(a, panelRaw) }
	out["inspector/calls"] = func(a *App) Screen {
		in := inspector(a, panelCalls)
		in.lastCall = &flows.Step{Name: "api_call", Caption: "Call GET /api/http/team-directory/profiles/me", At: goldenNow, OK: true,
			WhatHappened: "The API accepted the token and answered 200.",
			Exchanges: []wire.Exchange{{Request: wire.Message{Method: "GET", URL: "http://127.0.0.1:9090/api/http/team-directory/profiles/me", Header: map[string][]string{"Authorization": {"Bearer eyJhbG…fjjw"}}},
				Response: &wire.Message{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: "{\n  \"id\": \"2kLmX9demo\",\n  \"name\": {\n    \"firstName\": \"Demo\",\n    \"lastName\": \"User\"\n  },\n  \"username\": \"demo\"\n}"}, Duration: wire.Duration(12 * time.Millisecond)}}}
		return in
	}
	out["inspector/act"] = func(a *App) Screen {
		in := newInspect(a.k, a.nextID(), exchangedSession(), flows.Credentials{ClientSecret: "s"})
		in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: "demo-app", JWKSError: "the test has no key set"}
		return in
	}
	out["inspector/copy-as"] = func(a *App) Screen { in := inspector(a, panelToken); in.copyAs = true; return in }
	out["inspector/copy-as-nudge"] = func(a *App) Screen {
		in := inspector(a, panelToken)
		in.copyAs, in.copyAsNudge = true, true
		return in
	}
	for name, build := range dpopGoldenScreens() {
		out[name] = build
	}
	for name, build := range mtlsGoldenScreens() {
		out[name] = build
	}
	out["inspector/step-mode-pause"] = func(a *App) Screen {
		in := inspector(a, panelToken)
		in.gate.pause(flows.Request{Method: "POST", URL: "http://127.0.0.1:9090/oauth/token",
			Header: map[string][]string{"Authorization": {"Basic ZGVtby1hcHA6…"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			Form:   map[string][]string{"grant_type": {"refresh_token"}, "refresh_token": {"sprt-0123456789abcdef"}}})
		return in
	}
	out["form/private_key_jwt"] = func(a *App) Screen { return keyForm(t, a) }
	out["inspector/steps-private-key-jwt"] = func(a *App) Screen {
		in := newInspect(a.k, a.nextID(), keySession(t), flows.Credentials{})
		in.panel = panelSteps
		return in
	}
	out["form/scope-picker"] = func(a *App) Screen {
		f := out["form/"+string(flows.AuthorizationCode)](a).(*form)
		fd, _ := flows.Field(flows.FieldScope)
		f.pick, f.pickRow = newOfferPicker("Scope", fd.Offers(&f.draft), f.draft.Params.Scope), string(flows.FieldScope)
		f.pick.cursor = 1
		return f
	}
	frontChannelScreens(t, out)
	out["guide/key-kept"] = func(a *App) Screen {
		g := newGuide(a.k, a.nextID(), flows.ClientCredentials)
		g.pub, g.fp, g.kept = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOCkIk2Pzw1qCoAjv0C5NWIcIe9bXI/CLOLMdgiXZTKh authplay-demo-app", "SHA256:3Yq9m0Jx1zmrB7QbC3o5cW0l8n2Hq4s1x5vK8p2Wm1c", true
		g.saved = "/home/me/.local/state/authplay/keys/authplay-demo-app-ed25519"
		return g
	}
	out["lab/detail"] = func(a *App) Screen {
		l := newLab(a.k, a.nextID(), a.k.state.profile.Params, a.k.state.profile.Creds, showPickerMsg{})
		l.results, l.detail = labResults(), true
		return l
	}
	out["lab/running"] = func(a *App) Screen {
		l := newLab(a.k, a.nextID(), a.k.state.profile.Params, a.k.state.profile.Creds, showPickerMsg{})
		l.results, l.running, l.started, l.cursor = labResults(), "pkce-wrong-verifier", goldenNow.Add(-3*time.Second), 2
		l.queue = []string{"pkce-downgrade", "redirect-token-mismatch"}
		l.live = authorizedSession().Steps[:1]
		return l
	}
	return out
}

// exchangedSession is a token exchange's result whose token names the
// actor, and the actor before it (a nested act, RFC 8693 §4.1).
func exchangedSession() store.Session {
	sess := authorizedSession()
	st := flows.Start(flows.TokenExchange, sess.State.Params)
	st.Phase = flows.PhaseAuthorized
	exp, iat := goldenNow.Add(9*time.Minute+42*time.Second), goldenNow.Add(-18*time.Second)
	at := fixedJWT(`{"sub":"2kLmX9demo","aud":"demo-public","client_id":"demo-app","scope":"global:Profile.View","name":"demo","iss":"http://127.0.0.1:9090","principal_type":"USER",` +
		`"act":{"sub":"demo-app","client_id":"demo-app","act":{"sub":"billing-service"}},"iat":` + strconv.FormatInt(iat.Unix(), 10) + `,"exp":` + strconv.FormatInt(exp.Unix(), 10) + `}`)
	st.Token = &flows.Token{AccessToken: flows.Secret(at), TokenType: "Bearer", Expiry: exp, ExpiresIn: 582, Scope: "global:Profile.View", ScopeReturned: true,
		Raw: []byte(`{"access_token":"` + at + `","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":582,"scope":"global:Profile.View"}`)}
	return store.Session{ID: "s2", Profile: sess.Profile, Method: flows.TokenExchange, State: st, Steps: []flows.Step{
		{Name: "token_exchange", Caption: "Trade the subject token for a token aimed at the next service", At: goldenNow.Add(-18 * time.Second), OK: true},
	}}
}

// TestGoldenEveryScreen pins what a person sees on every screen and panel
// at 80×24, and the busiest at 120×40; its help line offers whole keys only.
func TestGoldenEveryScreen(t *testing.T) {
	big := map[string]bool{"inspector": true, "inspector/steps": true, "lab/results": true, "form/authorization_code": true, "lab/detail": true, "form/private_key_jwt": true}
	for name, build := range goldenScreens(t) {
		sizes := [][2]int{{80, 24}}
		if big[name] {
			sizes = append(sizes, [2]int{120, 40})
		}
		for _, size := range sizes {
			sub := name
			if size[0] != 80 {
				sub = fmt.Sprintf("%s@%dx%d", name, size[0], size[1])
			}
			t.Run(sub, func(t *testing.T) {
				a := goldenApp(t, goldenDeps())
				a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				show(a, build(a))
				v := view(a)
				golden.RequireEqual(t, v)
				checkHelpLine(t, a, v)
			})
		}
	}
}

// checkHelpLine: the last line is the help line, and each thing it offers
// is one of the screen's keys, whole: a line that runs out of room ends
// with "… ? help" (or "… ctrl+c quit" while a field has focus, since ?
// types there), never with a cut word.
func checkHelpLine(t *testing.T, a *App, v string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(v, "\n"), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	offered := map[string]bool{"? help": true, "q quit": true, "ctrl+c quit": true}
	for _, b := range a.screen.ShortHelp() {
		offered[b.Help().Key+" "+b.Help().Desc] = true
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, " … ? help"), " … ctrl+c quit") // ? types into a field
	for _, item := range strings.Split(line, " • ") {
		if !offered[strings.TrimSpace(item)] {
			t.Errorf("the help line offers %q, which is no key of the screen: %q", item, lines[len(lines)-1])
		}
	}
}

// The notice of a window below the minimum fits in the window itself.
func TestGoldenTooSmall(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	a.Update(tea.WindowSizeMsg{Width: 40, Height: 8})
	v := view(a)
	golden.RequireEqual(t, v)
	for i, l := range strings.Split(v, "\n") {
		if len([]rune(l)) > 40 || i >= 8 {
			t.Fatalf("line %d does not fit 40×8: %q", i, l)
		}
	}
}
