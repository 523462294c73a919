package flows_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

func newSpace(t *testing.T, opts ...spacetest.Option) *spacetest.Server {
	t.Helper()
	return spacetest.Start(t, append([]spacetest.Option{spacetest.WithDeviceInterval(time.Second)}, opts...)...)
}

func spaceParams(t *testing.T, s *spacetest.Server) flows.Params {
	t.Helper()
	p, err := flows.Space(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.Builtin = true
	p.DeviceURL = s.URL + "/oauth/device"
	p.IntrospectURL = s.URL + "/oauth/introspect"
	p.RevokeURL = s.URL + "/oauth/revoke"
	p.PARURL = s.URL + "/oauth/par"
	return flows.Params{Provider: p, ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic, Scope: "**", RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256}
}

func newEnv(t *testing.T) flows.Env {
	lb := loopback.New()
	t.Cleanup(lb.CloseAll)
	return flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: lb}
}

func demoCreds() flows.Credentials {
	return flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: spacetest.DemoPassword}
}

// approveHeadless plays the browser through the server's headless approval
// and follows the redirect to the loopback listener, as a browser would.
func approveHeadless(t *testing.T, s *spacetest.Server, authURL string) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/demo/approve", url.Values{"authorization_url": {authURL}})
	if err != nil {
		t.Error(err)
		return
	}
	defer resp.Body.Close()
	var body struct {
		RedirectTo string `json:"redirect_to"`
	}
	if err := decodeJSON(resp, &body); err != nil || body.RedirectTo == "" {
		t.Errorf("approve: %v %+v", err, body)
		return
	}
	follow(t, body.RedirectTo)
}

func follow(t *testing.T, to string) {
	t.Helper()
	if strings.Contains(to, "#") {
		// A fragment never reaches a server; the relay page would post it.
		base, frag, _ := strings.Cut(to, "#")
		r, err := http.Post(base, "text/plain", strings.NewReader(frag))
		if err != nil {
			t.Error(err)
			return
		}
		r.Body.Close()
		return
	}
	r, err := http.Get(to)
	if err != nil {
		t.Error(err)
		return
	}
	r.Body.Close()
}

func run(t *testing.T, m flows.Machine, env flows.Env, in flows.Input) flows.Step {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := m.Next(ctx, env, in)
	if err != nil {
		t.Fatalf("%s: %v\n%+v", st.Caption, err, st.Diagnosis)
	}
	return st
}

// failsWith runs one step that must fail with the server's error code,
// leaving the machine Failed with a diagnosis.
func failsWith(t *testing.T, m flows.Machine, code string) (flows.Step, *flows.OAuthError) {
	t.Helper()
	step, err := m.Next(context.Background(), newEnv(t), flows.Input{})
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != code {
		t.Fatalf("want error %s, got %v", code, err)
	}
	if m.State().Phase != flows.PhaseFailed || step.Diagnosis == nil || step.Diagnosis.Fix == "" {
		t.Fatalf("phase %s, diagnosis %+v", m.State().Phase, step.Diagnosis)
	}
	return step, oe
}
