package flows_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// Done when: a server that requires response_type=id_token token (with a
// nonce) completes implicit. The server is dex-like: it takes the
// combination without listing it, so the lint warns and authplay asks anyway.
func TestImplicitIDTokenTokenAgainstAServerThatRequiresIt(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"id_token token"}, Advertised: []string{"code"}})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.ResponseType = "token id_token" // any order: it means the same
	d := flows.Draft{Method: flows.Implicit, Params: p}
	if err := d.Set(flows.FieldResponseType, "token id_token"); err != nil {
		t.Fatal(err)
	}
	m, _ := flows.New(flows.Start(flows.Implicit, d.Params), oidcCreds())
	steps, b, err := redirectFlow(t, m, env)
	if err != nil {
		t.Fatalf("%v\n%+v", err, m.State().Failure)
	}
	st := m.State()
	sent := s.Requests("/authorize")[0].Query
	if sent.Get("response_type") != "id_token token" || sent.Get("nonce") == "" || sent.Get("nonce") != st.Nonce {
		t.Errorf("authorization request %v", sent)
	}
	if !strings.Contains(strings.Join(steps[0].Notes, "\n"), `does not list response type "id_token token"`) {
		t.Errorf("the lint does not warn about the unlisted response type: %v", steps[0].Notes)
	}
	if b.status != 200 || !strings.Contains(b.body, "received the token") {
		t.Errorf("the relay page ended on %d %q", b.status, b.body)
	}
	if st.Token.AccessToken == "" || st.Token.IDToken == "" {
		t.Fatalf("token %+v", st.Token)
	}
	vs := verdicts(t, env, st)
	wantOutcome(t, vs, "id_token signature", flows.Pass, "ES256")
	wantOutcome(t, vs, "id_token nonce", flows.Pass, "matches")
	wantOutcome(t, vs, "id_token at_hash", flows.Pass, "bound to the access token")
	wantOutcome(t, vs, "id_token s_hash", flows.Pass, "bound to the state")
	// The default, response_type=token, is refused by this server, and the
	// failure says so.
	m2, _ := flows.New(flows.Start(flows.Implicit, oidcParams(t, s, env)), oidcCreds())
	_, _, err = redirectFlow(t, m2, env)
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "unsupported_response_type" {
		t.Fatalf("response_type=token against an id_token-token server: %v", err)
	}
}

// response_type=id_token alone brings an ID token and no access token:
// the flow completes, nothing offers to use an access token it lacks.
func TestImplicitIDTokenAlone(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"id_token"}})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.ResponseType = "id_token"
	m, _ := flows.New(flows.Start(flows.Implicit, p), oidcCreds())
	if _, _, err := redirectFlow(t, m, env); err != nil {
		t.Fatal(err)
	}
	st := m.State()
	if st.Token.AccessToken != "" || st.Token.IDToken == "" {
		t.Fatalf("token %+v", st.Token)
	}
	for _, a := range []flows.Action{flows.ActionCallAPI, flows.ActionIntrospect, flows.ActionRevoke, flows.ActionRefresh} {
		if st.Can(a) {
			t.Errorf("%s offered without an access token", a)
		}
	}
	vs := verdicts(t, env, st)
	wantOutcome(t, vs, "access_token", flows.NotApplicable, "id_token")
	wantOutcome(t, vs, "id_token nonce", flows.Pass, "matches")
}

// Done when: a server that only does form_post completes the code flow.
// Its page submits a form to the listener, which takes the POST (the state
// still checked); a person who leaves the mode at its default is told by
// the server what it needs.
func TestCodeFlowAgainstAFormPostOnlyServer(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseModes: []string{"form_post"}})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.ResponseMode = flows.ModeFormPost
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	steps, b, err := redirectFlow(t, m, env)
	if err != nil {
		t.Fatalf("%v\n%+v", err, m.State().Failure)
	}
	if m.State().Phase != flows.PhaseAuthorized || m.State().Token.IDToken == "" {
		t.Fatalf("phase %s", m.State().Phase)
	}
	if sent := s.Requests("/authorize")[0].Query; sent.Get("response_mode") != "form_post" || sent.Get("response_type") != "code" {
		t.Errorf("authorization request %v", sent)
	}
	if b.status != 200 || !strings.Contains(b.body, "received the authorization response") {
		t.Errorf("the listener answered the form post with %d %q", b.status, b.body)
	}
	redirect := steps[1].Exchanges[0].Request
	if redirect.Method != "POST" || !strings.Contains(redirect.Body, "code=") {
		t.Errorf("the recorded redirect is not the form post: %+v", redirect)
	}
	if !strings.Contains(steps[1].WhatHappened, "form_post") {
		t.Errorf("the redirect step does not say how the answer came: %s", steps[1].WhatHappened)
	}
	// A forged form post (wrong state) is refused, and the wait goes on.
	m2, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	run(t, m2, env, flows.Input{})
	st, body := postForm(t, m2.State().RedirectURI, "code=stolen&state=forged")
	if st != 400 || !strings.Contains(body, "not the one authplay sent") {
		t.Errorf("a forged form post got %d %q", st, body)
	}
}

// The hybrid flow: the redirect brings an ID token with the code; the ID
// token must name the code (c_hash) and the nonce before the code is
// exchanged; the token endpoint's ID token names the same user.
func TestHybridCodeIDToken(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"code id_token", "code id_token token", "code"}})
	env := newEnv(t)
	for _, rt := range []string{"code id_token", "code id_token token"} {
		t.Run(rt, func(t *testing.T) {
			p := oidcParams(t, s, env)
			p.ResponseType = rt
			m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
			steps, _, err := redirectFlow(t, m, env)
			if err != nil {
				t.Fatalf("%v\n%+v", err, m.State().Failure)
			}
			st := m.State()
			if st.Front == nil || st.Front.IDToken == "" || st.Token.IDToken == st.Front.IDToken {
				t.Fatalf("front channel %+v", st.Front)
			}
			if !strings.Contains(steps[1].WhatHappened, "c_hash") {
				t.Errorf("the redirect step does not tell about the ID token's binding: %s", steps[1].WhatHappened)
			}
			vs := verdicts(t, env, st)
			wantOutcome(t, vs, "front id_token c_hash", flows.Pass, "bound to the code")
			wantOutcome(t, vs, "front id_token nonce", flows.Pass, "matches")
			wantOutcome(t, vs, "front id_token signature", flows.Pass, "verified")
			wantOutcome(t, vs, "id_token sub", flows.Pass, "same user")
			if rt == "code id_token token" {
				wantOutcome(t, vs, "front id_token at_hash", flows.Pass, "bound to the access token")
			}
		})
	}
}

// A hybrid redirect whose ID token does not name the code is refused, and
// the code never reaches the token endpoint: that is the defence against
// a code injected into the redirect.
func TestHybridRefusesAnIDTokenNotBoundToTheCode(t *testing.T) {
	for name, cfg := range map[string]oidctest.Config{
		"c_hash": {ResponseTypes: []string{"code id_token"}, WrongCHash: true},
		"nonce":  {ResponseTypes: []string{"code id_token"}, OmitNonce: true},
	} {
		t.Run(name, func(t *testing.T) {
			s := oidctest.Start(t, cfg)
			env := newEnv(t)
			p := oidcParams(t, s, env)
			p.ResponseType = "code id_token"
			m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
			_, _, err := redirectFlow(t, m, env)
			var rf *flows.Refusal
			if !errors.As(err, &rf) || !strings.Contains(rf.Cause, name) || m.State().Phase != flows.PhaseFailed {
				t.Fatalf("want a refusal naming %s, got %v", name, err)
			}
			d := m.State().Failure
			if d == nil || d.Fix == "" || !strings.Contains(d.Refs, "OIDC Core") {
				t.Errorf("diagnosis %+v", d)
			}
			if n := len(s.Requests("/token")); n != 0 {
				t.Errorf("the refused code was sent to the token endpoint (%d requests)", n)
			}
		})
	}
}
