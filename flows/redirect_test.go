package flows_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoopbackListenerRules(t *testing.T) {
	lb := flows.NewLoopback()
	defer lb.CloseAll()
	for _, bad := range []string{"https://127.0.0.1/cb", "http://example.com/cb", "http://10.0.0.1:80/cb", "::not a url"} {
		if _, err := lb.Prepare(bad, flows.Expect{State: "s"}); err == nil {
			t.Errorf("%s was accepted as a redirect URI", bad)
		}
	}
	uri, err := lb.Prepare("http://localhost:0/callback", flows.Expect{State: "s1"})
	if err != nil || !strings.HasPrefix(uri, "http://localhost:") || strings.HasSuffix(uri, ":0/callback") {
		t.Fatalf("%s %v", uri, err)
	}
	base := strings.Replace(uri, "localhost", "127.0.0.1", 1)
	if st, body := get(t, strings.TrimSuffix(base, "/callback")+"/elsewhere?code=c&state=s1"); st != 404 || !strings.Contains(body, "/callback") {
		t.Fatalf("wrong path: %d", st)
	}
	if st, body := get(t, base+"?code=c"); st != 400 || !strings.Contains(body, "no state") {
		t.Fatalf("missing state: %d %s", st, body)
	}
	if st, _ := get(t, base+"?code=c&state=s1"); st != 200 {
		t.Fatalf("the real redirect: %d", st)
	}
	if st, body := get(t, base+"?code=c2&state=s1"); st != 400 || !strings.Contains(body, "already received") {
		t.Fatalf("second use: %d %s", st, body)
	}
	r, err := lb.Wait(context.Background(), uri)
	if err != nil || r.Params.Get("code") != "c" || r.Rejected != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	// A port already taken is named, with what to do.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, err = lb.Prepare("http://"+busy.Addr().String()+"/cb", flows.Expect{})
	if err == nil || !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), "port 0") {
		t.Fatalf("port in use: %v", err)
	}
	// IPv6 loopback, where the machine has it.
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln.Close()
		if _, err := lb.Prepare("http://[::1]:0/cb", flows.Expect{}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := lb.Wait(ctx, "http://127.0.0.1:1/none"); err == nil {
		t.Fatal("waiting on a URI nobody listens on succeeded")
	}
}

// The token actions go through the machine like its own steps: each is a
// recorded step told for a learner, and a failed one leaves the token
// authorized.
func TestIntrospectRevokeAndCallAPIAreSteps(t *testing.T) {
	s := newSpace(t)
	env := newEnv(t)
	m, _ := flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	run(t, m, env, flows.Input{})
	step := run(t, m, env, flows.Input{Action: flows.ActionIntrospect})
	if len(step.Exchanges) != 1 || !strings.Contains(step.Exchanges[0].Response.Body, `"active": true`) || !strings.Contains(step.WhatHappened, "RFC 7662") {
		t.Fatalf("introspection step: %+v", step)
	}
	step = run(t, m, env, flows.Input{Action: flows.ActionCallAPI})
	if step.Exchanges[0].Response.Status != 200 || !strings.Contains(step.Exchanges[0].Response.Body, `"clientId": "demo-app"`) {
		t.Fatalf("API step: %+v", step.Exchanges[0].Response)
	}
	step = run(t, m, env, flows.Input{Action: flows.ActionRevoke})
	if m.State().Revoked != "access_token" || !strings.Contains(step.WhatHappened, "RFC 7009") {
		t.Fatalf("revocation step: %+v", step)
	}
	step, err := m.Next(context.Background(), env, flows.Input{Action: flows.ActionCallAPI})
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "authentication-required" || step.OK || step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, "new access token") {
		t.Fatalf("a revoked token still works: %v %+v", err, step)
	}
	if m.State().Phase != flows.PhaseAuthorized {
		t.Errorf("a refused API call failed the flow: %s", m.State().Phase)
	}
	step = run(t, m, env, flows.Input{Action: flows.ActionIntrospect})
	if !strings.Contains(step.Exchanges[0].Response.Body, `"active": false`) || !strings.Contains(step.WhatHappened, "not active") {
		t.Fatalf("introspection after revocation: %+v", step)
	}
	edited := flows.Request{Purpose: flows.PurposeAPI, Method: "GET", URL: s.URL + "/api/http/applications/me", Header: map[string][]string{"Authorization": {"Bearer " + spacetest.DemoApplicationToken}}}
	step = run(t, m, env, flows.Input{Action: flows.ActionCallAPI, Request: &edited})
	if step.Exchanges[0].Response.Status != 200 {
		t.Fatalf("an edited request was not the one sent: %+v", step.Exchanges[0])
	}
}

func TestRedirectWaitTimesOut(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.Timeout = flows.Duration(200 * time.Millisecond)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	step, err := m.Next(context.Background(), env, flows.Input{})
	if err == nil || !strings.Contains(err.Error(), "no redirect arrived") || step.Diagnosis == nil || m.State().Phase != flows.PhaseFailed {
		t.Fatalf("%v %+v", err, step.Diagnosis)
	}
	if env.Loopback.Listening(m.State().RedirectURI) {
		t.Error("the listener stays open after the timeout")
	}
}
