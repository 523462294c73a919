package flows_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// oidcParams are the settings for the generic OIDC server, found by
// discovery as a person would.
func oidcParams(t *testing.T, s *oidctest.Server, env flows.Env) flows.Params {
	t.Helper()
	prov, _, err := flows.Discover(context.Background(), env.HTTP, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return flows.Params{Provider: prov, ClientID: oidctest.ClientID, AuthStyle: flows.AuthBasic, Scope: "openid",
		RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256, Username: oidctest.Username}
}

func oidcCreds() flows.Credentials {
	return flows.Credentials{ClientSecret: oidctest.ClientSecret, Password: oidctest.Password}
}

// browsed is what the simulated browser saw at the end.
type browsed struct {
	status int
	body   string
	err    error
}

// redirectFlow runs a redirect flow against the OIDC server: the first
// step sends the browser (oidctest.Browse plays it), the next receives the
// answer, and a code is exchanged. It stops at the first failed step and
// returns its error with the steps so far and what the browser saw.
func redirectFlow(t *testing.T, m flows.Machine, env flows.Env) ([]flows.Step, browsed, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	step, err := m.Next(ctx, env, flows.Input{})
	steps := []flows.Step{step}
	if err != nil {
		return steps, browsed{}, err
	}
	authURL := m.State().AuthURL
	seen := make(chan browsed, 1)
	go func() {
		st, body, err := oidctest.Browse(authURL)
		seen <- browsed{st, body, err}
	}()
	step, err = m.Next(ctx, env, flows.Input{})
	steps = append(steps, step)
	b := <-seen
	for err == nil && m.State().Phase == flows.PhaseExchanging {
		step, err = m.Next(ctx, env, flows.Input{})
		steps = append(steps, step)
	}
	return steps, b, err
}

// verdicts judges the state's tokens with the key set fetched, by check name.
func verdicts(t *testing.T, env flows.Env, st flows.State) map[string]flows.Verdict {
	t.Helper()
	out := map[string]flows.Verdict{}
	for _, v := range flows.CheckState(context.Background(), env, st) {
		out[v.Check] = v
	}
	return out
}

func wantOutcome(t *testing.T, vs map[string]flows.Verdict, check string, want flows.Outcome, detail string) {
	t.Helper()
	v, ok := vs[check]
	if !ok {
		t.Errorf("no %s verdict among %v", check, vs)
		return
	}
	if v.Outcome != want || !strings.Contains(v.Detail, detail) {
		t.Errorf("%s: %s %q, want %s with %q", check, v.Outcome, v.Detail, want, detail)
	}
}

func query(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// postForm posts a form body to u, as a server's form_post page would.
func postForm(t *testing.T, u, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
