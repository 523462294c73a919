package flows_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// approveRefused plays the browser through the headless approval for a
// URL the server must refuse on a page of its own: the refusal as the
// demo approval states it.
func approveRefused(t *testing.T, s *spacetest.Server, authURL string) *flows.RefusedOnPage {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/demo/approve", url.Values{"authorization_url": {authURL}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		RedirectTo  string `json:"redirect_to"`
	}
	if err := decodeJSON(resp, &body); err != nil || body.Error == "" {
		t.Fatalf("the server took %s: %v %+v", authURL, err, body)
	}
	page := flows.ParseRefusal(body.Error + ": " + body.Description)
	if page == nil {
		t.Fatalf("not a refusal: %+v", body)
	}
	return page
}

// PAR against the built-in server over real HTTP: the push is a step of
// its own, authenticated like a token request; the browser then carries
// only client_id and request_uri; the code that comes back is exchanged.
// The same request_uri a second time is refused, and explained.
func TestPushedAuthorizationRequest(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.PAR = true
	m, err := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t)

	push, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok || push.Purpose != flows.PurposePAR || push.URL != s.URL+"/oauth/par" || push.Browser {
		t.Fatalf("pending before the push: %v %v %+v", ok, err, push)
	}
	if push.Form.Get("code_challenge") == "" || push.Form.Get("state") == "" || !strings.HasPrefix(push.Header.Get("Authorization"), "Basic ") {
		t.Errorf("the push lacks the parameters or the client's authentication: %v %v", push.Form, push.Header)
	}

	step := run(t, m, env, flows.Input{})
	st := m.State()
	if step.Name != "pushed_authorization_request" || !step.OK || st.Pushed == nil || !strings.HasPrefix(st.Pushed.RequestURI, spacetest.RequestURIPrefix) {
		t.Fatalf("push step %q ok=%v pushed %+v", step.Name, step.OK, st.Pushed)
	}
	if ex := step.Exchanges; len(ex) != 1 || ex[0].Response.Status != http.StatusCreated || ex[0].Request.Method != http.MethodPost {
		t.Fatalf("push exchanges %+v", ex)
	}
	for _, want := range []string{"RFC 9126 §2", "history", "request_uri " + st.Pushed.RequestURI} {
		if !strings.Contains(step.WhatHappened, want) {
			t.Errorf("the push step does not say %q: %s", want, step.WhatHappened)
		}
	}
	// The pushed redirect URI is the listener's real one.
	sent, _ := url.ParseQuery(step.Exchanges[0].Request.Body)
	if sent.Get("redirect_uri") != st.RedirectURI || strings.Contains(st.RedirectURI, ":0/") {
		t.Errorf("pushed redirect_uri %q, listening at %q", sent.Get("redirect_uri"), st.RedirectURI)
	}

	browser, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok || !browser.Browser {
		t.Fatalf("pending after the push: %v %v %+v", ok, err, browser)
	}
	step = run(t, m, env, flows.Input{})
	st = m.State()
	u, _ := url.Parse(st.AuthURL)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range u.Query() {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"client_id", "request_uri"}) || browser.URL != st.AuthURL {
		t.Fatalf("the browser's URL carries %v (shown %s, sent %s)", keys, browser.URL, st.AuthURL)
	}
	if !strings.Contains(step.WhatHappened, "RFC 9126 §4") || !strings.Contains(strings.Join(step.Details, "\n"), "one-time reference") {
		t.Errorf("the browser step does not tell the reference: %s %v", step.WhatHappened, step.Details)
	}
	go approveHeadless(t, s, st.AuthURL)
	run(t, m, env, flows.Input{}) // the redirect
	run(t, m, env, flows.Input{}) // the exchange
	if st := m.State(); st.Phase != flows.PhaseAuthorized || st.Token == nil {
		t.Fatalf("phase %s", st.Phase)
	}

	// Used once: the server refuses it now, on a page, and authplay says why.
	page := approveRefused(t, s, st.AuthURL)
	if page.Code != "invalid_request_uri" || !strings.Contains(page.Description, "already used") {
		t.Fatalf("second use: %+v", page)
	}
	d := flows.Explain(page, m.State().ExplainContext(""))
	if !strings.Contains(d.Refs, "RFC 9126 §4") || !strings.Contains(d.Cause, "one authorization") || !strings.Contains(d.Fix, "Run the flow again") {
		t.Errorf("the reused request_uri is explained as %+v", d)
	}
}

// A push the server refuses (a scope the client may not ask for, a wrong
// secret) fails the push step: nothing reaches a browser, and the listener
// is closed again.
func TestPushRefused(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.PAR = true
	creds := demoCreds()
	creds.ClientSecret = "wrong"
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
	step, _ := failsWith(t, m, "invalid_client")
	if step.Name != "pushed_authorization_request" || m.State().AuthURL != "" || !strings.Contains(step.WhatHappened, "nothing was shown to a user") {
		t.Errorf("step %q, auth URL %q: %s", step.Name, m.State().AuthURL, step.WhatHappened)
	}

	// Without a PAR endpoint: a clear setting error before anything is sent.
	p.Provider.PARURL = ""
	m, _ = flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	if _, _, err := m.Pending(flows.Input{}); err == nil || !strings.Contains(err.Error(), "PAR endpoint") {
		t.Errorf("no PAR endpoint: %v", err)
	}
}
