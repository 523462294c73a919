package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
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

// Custom parameters go where they belong in every method: the token
// parameters on each request to the token endpoint (client credentials,
// password, a device poll, a refresh, the code exchange), the
// authorization parameters on the device authorization request; neither
// on introspection or revocation, which are about a token, not for one.
func TestCustomParametersGoWhereTheyBelong(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.Username, p.AccessType = spacetest.DemoUsername, "offline"
	p.AuthParams = flows.CustomParams{{Key: "login_hint", Value: "demo"}}
	p.TokenParams = flows.CustomParams{{Key: "resource", Value: "https://api.example/v1"}}
	env := newEnv(t)
	env.Sleep = func(context.Context, time.Duration) error { return nil }
	for _, method := range []flows.Method{flows.ClientCredentials, flows.Password, flows.DeviceCode, flows.AuthorizationCode} {
		t.Run(string(method), func(t *testing.T) {
			m, _ := flows.New(flows.Start(method, p), demoCreds())
			var sent []wire.Message
			for i := 0; i < 6 && m.State().Phase != flows.PhaseAuthorized; i++ {
				step := run(t, m, env, flows.Input{})
				for _, ex := range step.Exchanges {
					sent = append(sent, ex.Request)
				}
				switch {
				case m.State().Phase == flows.PhaseAwaitingRedirect:
					go approveHeadless(t, s, m.State().AuthURL)
				case m.State().Device != nil && m.State().Device.Polls == 0:
					if err := s.ApproveDevice(m.State().Device.UserCode, spacetest.DemoUsername, true); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, a := range []flows.Action{flows.ActionRefresh, flows.ActionIntrospect, flows.ActionRevoke} {
				if m.State().Can(a) {
					sent = append(sent, run(t, m, env, flows.Input{Action: a}).Exchanges[0].Request)
				}
			}
			for _, r := range sent {
				token := strings.HasSuffix(r.URL, "/oauth/token")
				device := strings.HasSuffix(r.URL, "/oauth/device")
				authz := strings.Contains(r.URL, "/oauth/auth?")
				if got := strings.Contains(r.Body, "resource=https"); got != token {
					t.Errorf("%s %s: token parameter sent %v\n%s", r.Method, r.URL, got, r.Body)
				}
				if got := strings.Contains(r.Body, "login_hint=demo") || strings.Contains(r.URL, "login_hint=demo"); got != (device || authz) {
					t.Errorf("%s %s: authorization parameter sent %v\n%s", r.Method, r.URL, got, r.Body)
				}
			}
		})
	}
}

// A custom state= that sends no state does not switch the state check
// off: authplay still wants its own back, so the answer is refused.
func TestBlankCustomStateStillChecked(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.AuthParams = flows.CustomParams{{Key: "state", Value: ""}}
	p.Timeout = wire.Duration(time.Second)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	run(t, m, env, flows.Input{})
	if q := query(t, m.State().AuthURL); q.Get("state") != "" {
		t.Fatalf("sent state %q", q.Get("state"))
	}
	status, body, err := oidctest.Browse(m.State().AuthURL)
	if err != nil || status != 400 || !strings.Contains(body, "no state") {
		t.Fatalf("the answer without state got %d %q %v", status, body, err)
	}
	if _, err := m.Next(context.Background(), env, flows.Input{}); err == nil || m.State().Token != nil {
		t.Fatalf("the flow went on: %v", err)
	}
}
