package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

func TestRedirectWaitTimesOut(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.Timeout = wire.Duration(200 * time.Millisecond)
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
