package ui

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// Fixed data, so each screen renders the same on every run: the golden
// files under testdata/ are what a person sees at 80×24 (colours stripped).

var goldenNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func goldenDeps() Deps {
	prov, _ := flows.Space("http://127.0.0.1:9090")
	prov.Builtin, prov.Name = true, "Demo Space (offline)"
	prov.DeviceURL = "http://127.0.0.1:9090/oauth/device"
	prov.PARURL = "http://127.0.0.1:9090/oauth/par"
	return Deps{
		Theme: "mono", Now: func() time.Time { return goldenNow },
		Profile: Profile{Name: "Demo Space (offline)", Params: flows.Params{
			Provider: prov, ClientID: "demo-app", AuthStyle: flows.AuthBasic, Scope: "**", RedirectURI: "http://127.0.0.1:0/callback",
			PKCE: flows.PKCES256, AccessType: "offline", Username: "demo",
		}, Creds: flows.Credentials{ClientSecret: "demo-secret", Password: "demo"}},
		Demo: fakeDemo{},
	}
}

func goldenApp(t *testing.T, deps Deps) *App {
	t.Helper()
	a := New(deps)
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return a
}

// show puts a screen on the app as goTo would, without starting its commands.
func show(a *App, s Screen) {
	a.screen = s
	s.SetSize(a.bodySize())
}

func view(a *App) string { return ansi.Strip(a.View().Content) }

func fixedJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS512"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature"))
}

func authorizedSession() store.Session {
	deps := goldenDeps()
	st := flows.Start(flows.AuthorizationCode, deps.Profile.Params)
	st.Phase, st.StateValue, st.StateMatched = flows.PhaseAuthorized, "s", true
	exp, iat := goldenNow.Add(9*time.Minute+42*time.Second), goldenNow.Add(-18*time.Second)
	at := fixedJWT(`{"sub":"2kLmX9demo","aud":"demo-app","orgDomain":"demo","scope":"**","name":"demo","iss":"http://127.0.0.1:9090","principal_type":"USER","iat":` +
		strconv.FormatInt(iat.Unix(), 10) + `,"exp":` + strconv.FormatInt(exp.Unix(), 10) + `,"sid":"3219d242edee62f2"}`)
	st.Token = &flows.Token{AccessToken: flows.Secret(at), TokenType: "Bearer", RefreshToken: "sprt-0123456789abcdef", Expiry: exp, ExpiresIn: 600,
		Raw: []byte(`{"access_token":"` + at + `","token_type":"Bearer","expires_in":600,"refresh_token":"sprt-0123456789abcdef"}`)}
	return store.Session{ID: "s1", Profile: "Demo Space (offline)", Method: flows.AuthorizationCode, State: st, Steps: []flows.Step{
		{Name: "authorization_request", Caption: "Build the authorization URL and send the browser to it", At: goldenNow.Add(-40 * time.Second), OK: true},
		{Name: "redirect", Caption: "Wait for the browser to come back with the answer", At: goldenNow.Add(-20 * time.Second), OK: true},
		{Name: "token_request", Caption: "Trade the code for tokens", At: goldenNow.Add(-18 * time.Second), OK: true,
			WhatHappened: "authplay sent the code, the same redirect URI and the PKCE code_verifier.",
			Exchanges: []wire.Exchange{{Request: wire.Message{Method: "POST", URL: "http://127.0.0.1:9090/oauth/token", Body: "code=spc-ab…cdef&grant_type=authorization_code"},
				Response: &wire.Message{Status: 200}}}},
	}}
}

func TestGoldenPicker(t *testing.T) { golden.RequireEqual(t, view(goldenApp(t, goldenDeps()))) }

func TestGoldenFormClientCredentials(t *testing.T) {
	deps := goldenDeps()
	deps.Flow = flows.ClientCredentials
	golden.RequireEqual(t, view(goldenApp(t, deps)))
}

func TestGoldenFormAuthorizationCode(t *testing.T) {
	deps := goldenDeps()
	deps.Flow = flows.AuthorizationCode
	a := goldenApp(t, deps)
	f := a.screen.(*form)
	f.prev.StateValue, f.prev.Verifier = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // fixed, not random
	golden.RequireEqual(t, view(a))
}

func TestGoldenWaitingForRedirect(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	r := newRun(a.k, a.nextID(), flows.Draft{Method: flows.AuthorizationCode}, flows.State{Method: flows.AuthorizationCode})
	r.created = true
	r.sess.State = flows.State{Method: flows.AuthorizationCode, Phase: flows.PhaseAwaitingRedirect, RedirectURI: "http://127.0.0.1:53682/callback",
		AuthURL: "http://127.0.0.1:9090/oauth/auth?access_type=offline&client_id=demo-app&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&response_type=code&scope=%2A%2A&state=Xk2Lr"}
	r.last = &flows.Step{WhatHappened: "authplay made a random state and a PKCE verifier, and is listening at http://127.0.0.1:53682/callback for the browser to come back."}
	show(a, r)
	golden.RequireEqual(t, view(a))
}

func TestGoldenFailureFixFirst(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	r := newRun(a.k, a.nextID(), flows.Draft{Method: flows.AuthorizationCode}, flows.State{Method: flows.AuthorizationCode})
	r.created = true
	d := flows.Explain(&flows.OAuthError{Code: "unauthorized_client", Description: "redirect_uri is not registered"},
		flows.ExplainContext{Family: flows.FamilySpace, ClientID: "demo-app", RedirectURI: "http://127.0.0.1:53682/callback"})
	r.sess.State = flows.State{Method: flows.AuthorizationCode, Phase: flows.PhaseFailed, Failure: d}
	r.last = &flows.Step{Caption: "Wait for the browser to come back with the answer"}
	show(a, r)
	golden.RequireEqual(t, view(a))
}

func TestGoldenTokenInspector(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	in := newInspect(a.k, a.nextID(), authorizedSession(), flows.Credentials{})
	in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: "demo-app", StateChecked: true, UsedState: true, JWKSError: "the test has no key set"}
	show(a, in)
	golden.RequireEqual(t, view(a))
	in.panel = panelSteps
	if v := view(a); !containsAll(v, "Trade the code for tokens", "POST http://127.0.0.1:9090/oauth/token") {
		t.Fatalf("steps panel:\n%s", v)
	}
}

func TestGoldenHelpOverlay(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	golden.RequireEqual(t, view(a))
}

func TestTooSmallSaysSo(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	a.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := view(a); !containsAll(v, "at least 80×24", "60×20") {
		t.Fatal(v)
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := view(a); !containsAll(v, "Pick a flow") {
		t.Fatal("resizing lost the screen")
	}
}

func TestGoldenStart(t *testing.T) {
	deps := goldenDeps()
	acme := Profile{Name: "acme-space", Params: flows.Params{Provider: flows.Provider{Kind: flows.KindSpace, ServiceURL: "https://acme.jetbrains.space"}, ClientID: "0f2c-client"}}
	broken := Profile{Name: "keycloak-dev", Problem: `profile "keycloak-dev", client_secret: the environment variable KC_SECRET is not set`}
	deps.Profiles = []Profile{deps.Profile, acme, broken}
	deps.ProfilesPath = "/home/me/.config/authplay/profiles.json"
	golden.RequireEqual(t, view(goldenApp(t, deps)))
}

func TestAutoRefreshTriggersNearExpiry(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	sess := authorizedSession()
	sess.State.Token.Expiry = goldenNow.Add(30 * time.Second) // inside the last minute
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.Update(tickMsg(goldenNow))
	if in.busy != "" {
		t.Fatal("refreshed while auto-refresh was off")
	}
	in.Update(tea.KeyPressMsg{Code: 'A', Text: "A"})
	if _, cmd := in.Update(tickMsg(goldenNow)); cmd == nil || in.busy != "refreshing…" {
		t.Fatal("auto-refresh did not start a minute before expiry")
	}
	sess.State.Token.Expiry = goldenNow.Add(5 * time.Minute)
	in = newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.autoRefresh = true
	if in.Update(tickMsg(goldenNow)); in.busy != "" {
		t.Fatal("auto-refresh started five minutes early")
	}
}

func TestResumeAsksForTheSecretAgain(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	deps := goldenDeps()
	deps.Sessions = st
	nosecret := deps.Profile
	nosecret.Name, nosecret.Creds, nosecret.Problem = "acme", flows.Credentials{}, "the environment variable ACME_SECRET is not set"
	deps.Profiles = []Profile{deps.Profile, nosecret}
	waiting := flows.Start(flows.AuthorizationCode, nosecret.Params)
	waiting.Phase, waiting.RedirectURI = flows.PhaseAwaitingRedirect, "http://127.0.0.1:53682/callback"
	sess, err := st.Create("acme", waiting)
	if err != nil {
		t.Fatal(err)
	}
	a := goldenApp(t, deps)
	a.resume(sess)
	r, ok := a.screen.(*runScreen)
	if !ok || r.mode != inputSecret || !strings.Contains(view(a), "Client secret for demo-app:") || !r.Typing() {
		t.Fatalf("no prompt:\n%s", view(a))
	}
	for _, c := range "s3cret" {
		a.Update(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	if strings.Contains(view(a), "s3cret") {
		t.Fatal("the secret shows while typed")
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if r.mode != inputNone || cmd == nil {
		t.Fatal("enter did not go on with the flow")
	}
	r.cancel() // the flow would now wait for the browser
}

func TestGoldenRegistrationGuide(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	show(a, newGuide(a.k, a.nextID(), flows.AuthorizationCode))
	golden.RequireEqual(t, view(a))
}

func TestGoldenNewProfile(t *testing.T) {
	deps := goldenDeps()
	deps.ProfilesPath = "/home/me/.config/authplay/profiles.json"
	a := goldenApp(t, deps)
	show(a, newProfileForm(a.k, a.nextID()))
	golden.RequireEqual(t, view(a))
}

func TestGoldenDeviceWaiting(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	r := newRun(a.k, a.nextID(), flows.Draft{Method: flows.DeviceCode}, flows.State{Method: flows.DeviceCode})
	r.created = true
	r.sess.State = flows.State{Method: flows.DeviceCode, Phase: flows.PhaseAwaitingUser, Device: &flows.DeviceState{
		UserCode: "WDJB-MJHT", VerificationURI: "http://127.0.0.1:9090/device", VerificationURIComplete: "http://127.0.0.1:9090/device?user_code=WDJB-MJHT",
		Expires: goldenNow.Add(9 * time.Minute), Interval: wire.Duration(5 * time.Second), Polls: 2,
	}}
	show(a, r)
	golden.RequireEqual(t, view(a))
	r.showQR = true
	if v := view(a); !strings.Contains(v, "Scan it, or open") || !strings.Contains(v, "█") {
		t.Fatalf("QR view:\n%s", v)
	}
}

func TestInspectorShowsIDTokenClaims(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	a.height = 60
	a.screen.SetSize(a.bodySize())
	sess := authorizedSession()
	sess.State.Token.IDToken = flows.Secret(fixedJWT(`{"iss":"http://127.0.0.1:9090","sub":"2kLmX9demo","aud":"demo-app","preferred_username":"demo","nonce":"n0nce"}`))
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.SetSize(a.bodySize())
	if v := ansi.Strip(in.View()); !containsAll(v, "ID token (OpenID Connect): who signed in", "preferred_username", "n0nce") {
		t.Fatalf("no ID token claims:\n%s", v)
	}
}

// A token without expires_in from GitHub is said to last until revoked,
// not left as "no expiry given".
func TestInspectorSaysGitHubTokensDoNotExpire(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	sess := authorizedSession()
	sess.State.Params.Provider = flows.Provider{Kind: flows.KindEndpoints, Family: "github", TokenURL: "https://github.com/login/oauth/access_token"}
	sess.State.Token = &flows.Token{AccessToken: "gho_16C7e42F292c6912E7710c838347Ae178B4a", TokenType: "Bearer", Scope: "read:user"}
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.SetSize(a.bodySize())
	if v := ansi.Strip(in.View()); !strings.Contains(v, "GitHub tokens do not expire until revoked") {
		t.Fatalf("the lifetime line does not say so:\n%s", v)
	}
}
