package flows_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// browserFlow runs a redirect flow: the first step yields the URL, a
// goroutine approves it as the browser would, the second step receives it.
func browserFlow(t *testing.T, s *spacetest.Server, m flows.Machine, env flows.Env) []flows.Step {
	t.Helper()
	steps := []flows.Step{run(t, m, env, flows.Input{})}
	authURL := m.State().AuthURL
	go approveHeadless(t, s, authURL)
	steps = append(steps, run(t, m, env, flows.Input{}))
	for m.State().Phase == flows.PhaseExchanging {
		steps = append(steps, run(t, m, env, flows.Input{}))
	}
	return steps
}

func TestAuthorizationCodeWithPKCEAndRefresh(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	s := newSpace(t, spacetest.WithClock(clock.Now))
	p := spaceParams(t, s)
	p.AccessType = "offline"
	p.Scope = "** openid"
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	env := newEnv(t)
	browserFlow(t, s, m, env)
	st := m.State()
	if st.Phase != flows.PhaseAuthorized || st.Token.RefreshToken == "" || st.Token.IDToken == "" {
		t.Fatalf("phase %s token %+v", st.Phase, st.Token)
	}
	u, _ := url.Parse(st.AuthURL)
	if u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("access_type") != "offline" || u.Query().Get("nonce") == "" {
		t.Errorf("authorization URL lacks PKCE, access_type or nonce: %s", st.AuthURL)
	}
	raw, _, err := flows.FetchJWKS(context.Background(), env, p.Provider)
	if err != nil {
		t.Fatal(err)
	}
	set, err := jwtcheck.ParseJWKS(raw)
	if err != nil {
		t.Fatal(err)
	}
	in := flows.CheckInput{Now: time.Now(), Issuer: s.URL, ClientID: spacetest.DemoClientID, Nonce: st.Nonce, JWKS: set, StateChecked: st.StateMatched, UsedState: true}
	for _, v := range append(flows.CheckAccessToken(st.Token.AccessToken.Reveal(), in), flows.CheckIDToken(st.Token.IDToken.Reveal(), st.Token.AccessToken.Reveal(), in)...) {
		if v.Outcome == flows.Fail {
			t.Errorf("check %s failed: %s", v.Check, v.Detail)
		}
	}
	old := st.Token.AccessToken
	clock.Advance(time.Minute)
	step := run(t, m, env, flows.Input{Action: flows.ActionRefresh})
	if m.State().Token.AccessToken == old || m.State().Rotated == nil || *m.State().Rotated {
		t.Errorf("refresh: %+v", m.State())
	}
	if !strings.Contains(step.WhatHappened, "no rotation") {
		t.Errorf("refresh step does not say the token did not rotate: %s", step.WhatHappened)
	}
	// Space issues a refresh token only the first time per user and app.
	m2, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	browserFlow(t, s, m2, env)
	if m2.State().Token.RefreshToken != "" {
		t.Error("a second offline authorization got a refresh token; Space issues one only the first time")
	}
}

func TestAuthorizationCodePublicClientPlainPKCE(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.ClientID, p.AuthStyle, p.PKCE = spacetest.DemoPublicClientID, flows.AuthNone, flows.PKCEPlain
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), flows.Credentials{})
	browserFlow(t, s, m, newEnv(t))
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatal(m.State().Failure)
	}
}

func TestAuthorizationCodeErrorsAreExplained(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.ClientID = spacetest.DemoNoCodeFlowID
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	go approveHeadless(t, s, m.State().AuthURL)
	step, err := m.Next(context.Background(), env, flows.Input{})
	if err == nil || step.Diagnosis == nil || step.Diagnosis.Code != "unauthorized_client" || !strings.Contains(step.Diagnosis.Fix, spacetest.DemoClientID) {
		t.Fatalf("err %v diagnosis %+v", err, step.Diagnosis)
	}
}

func TestForgedStateIsRefusedAndWaitGoesOn(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, spaceParams(t, s)), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	redirect := m.State().RedirectURI
	resp, err := http.Get(redirect + "?code=stolen&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged state answered %d", resp.StatusCode)
	}
	go approveHeadless(t, s, m.State().AuthURL)
	step := run(t, m, env, flows.Input{})
	if m.State().Phase != flows.PhaseExchanging || len(step.Notes) == 0 {
		t.Fatalf("phase %s notes %v", m.State().Phase, step.Notes)
	}
}

func TestPasteRedirectURL(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, spaceParams(t, s)), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	loc, err := s.ApproveAuthorization(m.State().AuthURL, spacetest.DemoUsername, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Loopback.Paste(m.State().RedirectURI, strings.Replace(loc, "state=", "state=x", 1)); err == nil {
		t.Fatal("a pasted URL with another state was accepted")
	}
	if err := env.Loopback.Paste(m.State().RedirectURI, loc); err != nil {
		t.Fatal(err)
	}
	run(t, m, env, flows.Input{})
	run(t, m, env, flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatal(m.State().Phase)
	}
}

func TestImplicit(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.Implicit, spaceParams(t, s)), demoCreds())
	steps := browserFlow(t, s, m, newEnv(t))
	if m.State().Phase != flows.PhaseAuthorized || !strings.Contains(steps[0].Notes[0], "Deprecated") {
		t.Fatalf("phase %s notes %v", m.State().Phase, steps[0].Notes)
	}
}

func TestPasswordAndWrongPassword(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.Username = spacetest.DemoUsername
	m, _ := flows.New(flows.Start(flows.Password, p), demoCreds())
	step := run(t, m, newEnv(t), flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized || !strings.Contains(step.Notes[0], "Not recommended") {
		t.Fatal(m.State().Failure)
	}
	for _, ex := range step.Exchanges {
		if strings.Contains(ex.Request.Body, "password="+spacetest.DemoPassword+"&") || strings.Contains(ex.Request.Body, "demo-secret") {
			t.Errorf("secret in recorded body: %s", ex.Request.Body)
		}
	}
	bad, _ := flows.New(flows.Start(flows.Password, p), flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: "wrong"})
	failsWith(t, bad, "invalid_grant")
}

func TestRefreshFromPastedToken(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.Username, p.AccessType = spacetest.DemoUsername, "offline"
	pw, _ := flows.New(flows.Start(flows.Password, p), demoCreds())
	run(t, pw, newEnv(t), flows.Input{})
	st := flows.Start(flows.RefreshToken, p)
	st.Seed = pw.State().Token.RefreshToken
	m, _ := flows.New(st, demoCreds())
	run(t, m, newEnv(t), flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatal(m.State().Failure)
	}
	st.Seed = "sprt-unknown"
	bad, _ := flows.New(st, demoCreds())
	failsWith(t, bad, "invalid_grant")
}

func TestPermanentTokens(t *testing.T) {
	s := newSpace(t)
	for _, tok := range []string{spacetest.DemoPersonalToken, spacetest.DemoApplicationToken} {
		st := flows.Start(flows.PermanentToken, spaceParams(t, s))
		st.Seed = flows.Secret(tok)
		m, _ := flows.New(st, flows.Credentials{})
		run(t, m, newEnv(t), flows.Input{})
		if m.State().Phase != flows.PhaseAuthorized {
			t.Fatalf("%s: %+v", tok, m.State().Failure)
		}
		want := map[string]string{spacetest.DemoPersonalToken: "user demo", spacetest.DemoApplicationToken: "the application Demo App"}[tok]
		if m.State().ActsFor() != want {
			t.Errorf("%s acts for %q, want %q", tok, m.State().ActsFor(), want)
		}
	}
	st := flows.Start(flows.PermanentToken, spaceParams(t, s))
	st.Seed = "not-a-token"
	m, _ := flows.New(st, flows.Credentials{})
	failsWith(t, m, "authentication-required")
}

func TestDeviceFlowPollsUntilApproved(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.DeviceCode, spaceParams(t, s)), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	ds := m.State().Device
	if ds == nil || ds.UserCode == "" || !strings.HasPrefix(ds.VerificationURIComplete, s.URL) {
		t.Fatalf("device state %+v", ds)
	}
	step := run(t, m, env, flows.Input{})
	if !strings.Contains(step.WhatHappened, "authorization_pending") {
		t.Fatalf("first poll: %s", step.WhatHappened)
	}
	if err := s.ApproveDevice(ds.UserCode, spacetest.DemoUsername, true); err != nil {
		t.Fatal(err)
	}
	run(t, m, env, flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatal(m.State().Phase)
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
