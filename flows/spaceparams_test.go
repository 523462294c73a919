package flows_test

import (
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// Done when: against a generic OIDC server the authorization URL and the
// password request carry no Space parameter unless asked. The settings
// carry Space's access_type and request_credentials, as a profile written
// before families would; the server, which records what it gets, sees
// neither.
func TestNoSpaceParametersToAGenericServer(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.AccessType, p.RequestCredentials = "offline", "required"
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	if _, _, err := redirectFlow(t, m, env); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_type", "request_credentials"} {
		if q := s.Requests("/authorize")[0].Query; q.Has(k) {
			t.Errorf("the authorization request carried Space's %s to a generic server: %v", k, q)
		}
	}
	pw, _ := flows.New(flows.Start(flows.Password, p), oidcCreds())
	run(t, pw, env, flows.Input{})
	reqs := s.Requests("/token")
	if f := reqs[len(reqs)-1].Form; f.Get("grant_type") != "password" || f.Has("access_type") {
		t.Errorf("the password request carried access_type to a generic server: %v", f)
	}
}

// Asked for as custom parameters, they go to any server, and show.
func TestSpaceParametersAskedForAsCustomOnes(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.AuthParams = flows.CustomParams{{Key: "access_type", Value: "offline"}, {Key: "prompt", Value: "consent"}}
	p.TokenParams = flows.CustomParams{{Key: "access_type", Value: "offline"}}
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	steps, _, err := redirectFlow(t, m, env)
	if err != nil {
		t.Fatal(err)
	}
	if q := s.Requests("/authorize")[0].Query; q.Get("access_type") != "offline" || q.Get("prompt") != "consent" {
		t.Errorf("custom authorization parameters not sent: %v", q)
	}
	if shown := steps[0].Exchanges[0].Request.URL; !strings.Contains(shown, "access_type=offline") || !strings.Contains(shown, "prompt=consent") {
		t.Errorf("the recorded authorization request lacks the custom parameters: %s", shown)
	}
	pw, _ := flows.New(flows.Start(flows.Password, p), oidcCreds())
	step := run(t, pw, env, flows.Input{})
	reqs := s.Requests("/token")
	if f := reqs[len(reqs)-1].Form; f.Get("access_type") != "offline" {
		t.Errorf("the custom token parameter was not sent: %v", f)
	}
	if !strings.Contains(step.Exchanges[0].Request.Body, "access_type=offline") {
		t.Errorf("the recorded password request lacks it: %s", step.Exchanges[0].Request.Body)
	}
}

// Done when: against the built-in server they still are sent, and work:
// offline access brings a refresh token in both flows.
func TestSpaceParametersStillGoToTheBuiltinServer(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.AccessType, p.RequestCredentials, p.Username = "offline", "default", "demo"
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
	browserFlow(t, s, m, newEnv(t))
	q := query(t, m.State().AuthURL)
	if q.Get("access_type") != "offline" || q.Get("request_credentials") != "default" || m.State().Token.RefreshToken == "" {
		t.Errorf("the built-in server did not get Space's parameters: %v (refresh token %v)", q, m.State().Token.RefreshToken != "")
	}
	pw, _ := flows.New(flows.Start(flows.Password, p), demoCreds())
	step := run(t, pw, newEnv(t), flows.Input{})
	if !strings.Contains(step.Exchanges[0].Request.Body, "access_type=offline") || pw.State().Token.RefreshToken == "" {
		t.Errorf("the password request to the built-in server: %s", step.Exchanges[0].Request.Body)
	}
}

// A custom parameter may replace one authplay sets (a lab tampers on
// purpose), but never silently: the request names it for the preview, and
// the step says so.
func TestCustomParameterOverridesAreNamed(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.AuthParams = flows.CustomParams{{Key: "scope", Value: "openid email"}, {Key: "resource", Value: "https://a"}, {Key: "resource", Value: "https://b"}}
	p.TokenParams = flows.CustomParams{{Key: "redirect_uri", Value: "http://127.0.0.1:9/elsewhere"}}
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	req, _, err := m.Pending(flows.Input{})
	if err != nil || len(req.Overrides) != 1 || req.Overrides[0] != "scope" {
		t.Fatalf("overrides %v (%v)", req.Overrides, err)
	}
	steps, _, err := redirectFlow(t, m, env)
	var oe *flows.OAuthError
	if err == nil || !strings.Contains(err.Error(), "redirect_uri") {
		t.Fatalf("the tampered redirect_uri should be refused by the server: %v %v", err, oe)
	}
	q := s.Requests("/authorize")[0].Query
	if q.Get("scope") != "openid email" || len(q["resource"]) != 2 || len(q["scope"]) != 1 {
		t.Errorf("sent %v", q)
	}
	if !strings.Contains(strings.Join(steps[0].Notes, " "), "overrides authplay's own scope") {
		t.Errorf("the authorization step does not name the override: %v", steps[0].Notes)
	}
	last := steps[len(steps)-1]
	if !strings.Contains(strings.Join(last.Notes, " "), "overrides authplay's own redirect_uri") {
		t.Errorf("the token step does not name the override: %v", last.Notes)
	}
}
