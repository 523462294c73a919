package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/oidctest"
)

// oidcBrowser plays the browser for the authorization URL the binary
// prints, against the generic OIDC server.
func oidcBrowser(t *testing.T, s *oidctest.Server) func(string) bool {
	return func(line string) bool {
		if !strings.HasPrefix(line, s.URL+"/authorize?") {
			return false
		}
		go func() {
			if _, _, err := oidctest.Browse(line); err != nil {
				t.Error(err)
			}
		}()
		return true
	}
}

// --response-type 'id_token token' completes implicit against a server
// that requires it; the verdicts are printed.
func TestResponseTypeFlag(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"id_token token"}})
	r := authplay(t, nil, oidcBrowser(t, s), nil, "token", "--flow", "implicit", "--issuer", s.URL, "--client-id", oidctest.ClientID,
		"--scope", "openid", "--response-type", "token id_token", "--no-browser", "--verbose", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var tok map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil || tok["id_token"] == nil || tok["access_token"] == nil {
		t.Fatalf("stdout %q", r.stdout)
	}
	for _, want := range []string{"check ok   id_token nonce", "check ok   id_token at_hash", "check ok   id_token signature"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if q := s.Requests("/authorize")[0].Query; q.Get("response_type") != "id_token token" || q.Get("nonce") == "" {
		t.Errorf("sent %v", q)
	}
}

// --response-mode form_post and repeatable --auth-param and --token-param
// reach the server as given, a value's spaces and all.
func TestResponseModeAndCustomParameterFlags(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{ResponseModes: []string{"form_post"}})
	r := authplay(t, nil, oidcBrowser(t, s), []string{"CS=" + oidctest.ClientSecret}, "token", "--flow", "authorization_code", "--issuer", s.URL,
		"--client-id", oidctest.ClientID, "--client-secret-env", "CS", "--scope", "openid", "--response-mode", "form_post",
		"--auth-param", "prompt=consent", "--auth-param", "acr_values=urn:a urn:b", "--token-param", "resource=https://api.example",
		"--no-browser", "--output", "access_token")
	if r.code != 0 || strings.TrimSpace(r.stdout) == "" {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	q := s.Requests("/authorize")[0].Query
	if q.Get("response_mode") != "form_post" || q.Get("prompt") != "consent" || q.Get("acr_values") != "urn:a urn:b" {
		t.Errorf("authorization request %v", q)
	}
	if f := s.Requests("/token")[0].Form; f.Get("resource") != "https://api.example" {
		t.Errorf("token request %v", f)
	}
}

func TestOIDCFlagErrors(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	base := []string{"token", "--issuer", s.URL, "--client-id", oidctest.ClientID}
	cases := []struct {
		args []string
		want string
	}{
		{append(base, "--flow", "authorization_code", "--access-type", "offline"), "--access-type does not apply to this server (oidc)"},
		{append(base, "--flow", "authorization_code", "--access-type", "offline"), "--auth-param access_type=offline"},
		{append(base, "--flow", "authorization_code", "--auth-param", "prompt"), `"prompt" has no =`},
		{append(base, "--flow", "implicit", "--response-type", "code"), "choose token, id_token, id_token token"},
		{append(base, "--flow", "authorization_code", "--response-mode", "post"), "choose (default), query, fragment, form_post"},
		{append(base, "--flow", "implicit", "--response-mode", "query"), "query cannot carry tokens"},
		{append(base, "--flow", "implicit", "--response-type", "id_token", "--scope", "email"), "needs the openid scope"},
		{append(base, "--flow", "client_credentials", "--response-type", "code"), "--response-type makes no sense for --flow client_credentials"},
		{append(base, "--flow", "client_credentials", "--auth-param", "prompt=login"), "--auth-param makes no sense for --flow client_credentials"},
	}
	for _, c := range cases {
		r := authplay(t, nil, nil, []string{"CS=x"}, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
