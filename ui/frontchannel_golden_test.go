package ui

import (
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// goldenRequestURI is the reference the golden screens say a push got.
const goldenRequestURI = "urn:ietf:params:oauth:request_uri:9f2c4e1ab07d"

// frontChannelScreens are the screens of a pushed (PAR) authorization
// request: the form with it on, step mode paused before the push, and the
// Steps panel after a run.
func frontChannelScreens(t *testing.T, out map[string]func(a *App) Screen) {
	out["form/par"] = func(a *App) Screen {
		d := a.draftFor(flows.AuthorizationCode)
		d.Params.PAR = true
		f := newForm(a.k, a.nextID(), d)
		f.prev.StateValue, f.prev.Verifier, f.prev.Nonce = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "n-0S6_WzA2Mj"
		focusField(f, flows.FieldPAR)
		return f
	}
	out["run/step-mode-par"] = func(a *App) Screen {
		d := a.draftFor(flows.AuthorizationCode)
		d.Params.PAR = true
		st, creds := d.Start()
		st.StateValue, st.Verifier = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
		m, err := flows.New(st, creds)
		if err != nil {
			t.Fatal(err)
		}
		req, ok, err := m.Pending(flows.Input{})
		if err != nil || !ok || req.Purpose != flows.PurposePAR {
			t.Fatalf("no push pending: %v %v %+v", ok, err, req)
		}
		r := newRun(a.k, a.nextID(), d, st)
		r.created = true
		r.gate.pause(req)
		return r
	}
	out["form/request-object"] = func(a *App) Screen {
		d := a.draftFor(flows.AuthorizationCode)
		d.Params.RequestObject, d.Params.PrivateKeyFile = true, goldenKeyFile
		d.Creds.ClientKey = goldenClientKey(t)
		f := newForm(a.k, a.nextID(), d)
		f.key.path = goldenKeyFile // read already
		f.prev.StateValue, f.prev.Verifier, f.prev.Nonce = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "n-0S6_WzA2Mj"
		focusField(f, flows.FieldRequestObject)
		return f
	}
	out["inspector/steps-request-object"] = func(a *App) Screen {
		in := newInspect(a.k, a.nextID(), jarSession(), flows.Credentials{ClientSecret: "s"})
		in.panel = panelSteps
		return in
	}
	out["inspector/steps-par"] = func(a *App) Screen {
		in := newInspect(a.k, a.nextID(), parSession(t), flows.Credentials{ClientSecret: "s"})
		in.panel = panelSteps
		return in
	}
}

func focusField(f *form, id flows.FieldID) {
	for i, r := range f.rows.rows {
		if r.id == string(id) {
			f.rows.setFocus(i)
		}
	}
}

// parSession is a code-flow session whose authorization request was
// pushed: the push, then the browser sent with the reference alone.
func parSession(t *testing.T) store.Session {
	t.Helper()
	sess := authorizedSession()
	st := sess.State
	st.Params.PAR = true
	st.Pushed = &flows.PushedRequest{RequestURI: goldenRequestURI, Expires: goldenNow.Add(20 * time.Second)}
	st.RedirectURI = "http://127.0.0.1:53682/callback"
	st.AuthURL = "http://127.0.0.1:9090/oauth/auth?client_id=demo-app&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A9f2c4e1ab07d"
	sess.State = st
	push := flows.Request{Purpose: flows.PurposePAR, Method: "POST", URL: "http://127.0.0.1:9090/oauth/par",
		Header: map[string][]string{"Authorization": {"Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ="}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Form: map[string][]string{"access_type": {"offline"}, "client_id": {"demo-app"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"},
			"code_challenge_method": {"S256"}, "redirect_uri": {st.RedirectURI}, "response_type": {"code"}, "scope": {"**"}, "state": {"Xk2Lr-state"}}}
	browser := flows.Request{Method: "GET", URL: st.AuthURL, Browser: true}
	steps := []flows.Step{
		{Name: "pushed_authorization_request", Caption: "Push the authorization request to the server (PAR)", At: goldenNow.Add(-42 * time.Second), OK: true,
			WhatHappened: "authplay POSTed the authorization parameters (redirect URI, scope, state, PKCE challenge and the rest) straight to the server's PAR endpoint, " +
				"authenticated as the client, before any browser was involved. The server checked them and who sent them, and answered with request_uri " + goldenRequestURI +
				", good for 60 s and for one authorization. The browser will carry only client_id and this reference: nothing of the request shows in its history, " +
				"a proxy's log or a Referer header, and nobody on the way can change it. [RFC 9126 §2]",
			Exchanges: []wire.Exchange{{Request: push.Shown(), Response: &wire.Message{Status: 201, Header: map[string][]string{"Content-Type": {"application/json"}},
				Body: "{\n  \"expires_in\": 60,\n  \"request_uri\": \"" + goldenRequestURI + "\"\n}"}, Duration: wire.Duration(3 * time.Millisecond)}}},
		{Name: "authorization_request", Caption: "Build the authorization URL and send the browser to it", At: goldenNow.Add(-40 * time.Second), OK: true,
			WhatHappened: "The browser's URL carries only client_id and the request_uri the push returned: the server looks the request up, and uses only what was pushed. [RFC 9126 §4]",
			Exchanges:    []wire.Exchange{{Request: browser.Shown()}},
			Details:      flows.RequestDetails(browser, st.Params)},
	}
	sess.Steps = append(steps, sess.Steps[1:]...)
	return sess
}

// goldenRequestObject is a request object as authplay signs one, with
// fixed times and a stand-in signature: the screens decode it, and only
// the server checks the signature.
func goldenRequestObject() string {
	enc := base64.RawURLEncoding.EncodeToString
	claims := `{"access_type":"offline","aud":"http://127.0.0.1:9090","client_id":"demo-app","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",` +
		`"code_challenge_method":"S256","exp":` + strconv.FormatInt(goldenNow.Add(-30*time.Second).Unix(), 10) + `,"iat":` + strconv.FormatInt(goldenNow.Add(-10*time.Minute-30*time.Second).Unix(), 10) +
		`,"iss":"demo-app","jti":"q8vW2mXk4tR9zB1c","redirect_uri":"http://127.0.0.1:53682/callback","response_type":"code","scope":"**","state":"Xk2Lr-state"}`
	return enc([]byte(`{"alg":"RS256","kid":"demo-key","typ":"oauth-authz-req+jwt"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature"))
}

// jarSession is a code-flow session whose authorization request went as a
// request object in the browser's URL.
func jarSession() store.Session {
	sess := authorizedSession()
	st := sess.State
	st.Params.RequestObject, st.Params.PrivateKeyFile = true, goldenKeyFile
	st.RedirectURI = "http://127.0.0.1:53682/callback"
	st.AuthURL = "http://127.0.0.1:9090/oauth/auth?client_id=demo-app&request=" + goldenRequestObject()
	sess.State = st
	browser := flows.Request{Method: "GET", URL: st.AuthURL, Browser: true}
	sess.Steps[0].WhatHappened = "The browser's URL carries the authorization request as a request object: a JWT signed with the client's private key, which the server checks " +
		"before it takes any parameter from it; one changed on the way breaks the signature. [RFC 9101 §5]"
	sess.Steps[0].Details = flows.RequestDetails(browser, st.Params)
	return sess
}
