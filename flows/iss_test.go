package flows_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// RFC 9207: a redirect that names the issuer authplay asked passes, and
// the verdict is among the token's checks.
func TestRedirectIssuerNamedPasses(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{Iss: true})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	if p.Provider.Advertised == nil || !p.Provider.Advertised.IssParameterSupported {
		t.Fatal("discovery did not read authorization_response_iss_parameter_supported")
	}
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	if _, _, err := redirectFlow(t, m, env); err != nil {
		t.Fatal(err)
	}
	wantOutcome(t, verdicts(t, env, m.State()), "redirect iss", flows.Pass, s.URL)
}

// Neither sent nor promised: nothing to judge, and the verdict says so.
func TestRedirectIssuerAbsentAndNotPromised(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, oidcParams(t, s, env)), oidcCreds())
	if _, _, err := redirectFlow(t, m, env); err != nil {
		t.Fatal(err)
	}
	wantOutcome(t, verdicts(t, env, m.State()), "redirect iss", flows.NotApplicable, "named no issuer")
}

// A redirect that names another issuer (a mix-up), or none where the
// server promised one, is refused at the redirect step: the code is never
// exchanged, the browser is told, and the diagnosis leads with the fix.
func TestRedirectIssuerMixUpIsRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg      oidctest.Config
		promised bool
		cause    string
	}{
		"another issuer": {cfg: oidctest.Config{WrongIss: "https://honest.example"}, cause: "names issuer https://honest.example"},
		"none promised":  {cfg: oidctest.Config{}, promised: true, cause: "names none"},
	} {
		t.Run(name, func(t *testing.T) {
			s := oidctest.Start(t, tc.cfg)
			env := newEnv(t)
			p := oidcParams(t, s, env)
			p.Provider.Advertised.IssParameterSupported = tc.promised
			for _, method := range []flows.Method{flows.AuthorizationCode, flows.Implicit} {
				pm := p
				if method == flows.Implicit {
					s2 := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"token"}, WrongIss: tc.cfg.WrongIss})
					pm = oidcParams(t, s2, env)
					pm.Provider.Advertised.IssParameterSupported = tc.promised
				}
				m, _ := flows.New(flows.Start(method, pm), oidcCreds())
				steps, b, err := redirectFlow(t, m, env)
				var rf *flows.Refusal
				if !errors.As(err, &rf) || !strings.Contains(rf.Cause, tc.cause) || rf.Refs != "RFC 9207 §2.4" {
					t.Fatalf("%s: want a refusal saying %q, got %v", method, tc.cause, err)
				}
				if m.State().Phase != flows.PhaseFailed || m.State().Token != nil || m.State().Failure == nil || m.State().Failure.Fix == "" {
					t.Errorf("%s: state %s, failure %+v", method, m.State().Phase, m.State().Failure)
				}
				if steps[1].Name != "redirect" || len(steps[1].Exchanges) != 1 {
					t.Errorf("%s: the refused redirect is not on record: %+v", method, steps[1])
				}
				if b.status != 400 || !strings.Contains(b.body, "refused") {
					t.Errorf("%s: the browser was told %d %q", method, b.status, b.body)
				}
			}
			if n := len(s.Requests("/token")); n != 0 {
				t.Errorf("the code of a refused redirect was exchanged (%d token requests)", n)
			}
		})
	}
}
