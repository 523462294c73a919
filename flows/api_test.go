package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

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
