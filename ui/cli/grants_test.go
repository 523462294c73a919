package cli_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// demoToken asks the built-in server for a token as demo-app, over HTTP,
// the way any other client would: a subject or actor token to exchange.
func demoToken(t *testing.T, s *spacetest.Server, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("no token: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

func claimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	j, err := jwtcheck.Decode(token)
	if err != nil {
		t.Fatal(err)
	}
	return j.Claims
}

// `authplay token --flow token_exchange` trades a user's token at the
// built-in server: without an actor the new token is the user's
// (impersonation), with one it carries act, and --verbose says which.
// The tokens come from variables and are never printed whole.
func TestTokenExchangeHeadless(t *testing.T) {
	s := spacetest.Start(t)
	subject := demoToken(t, s, url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {spacetest.DemoPassword}, "scope": {"**"}})
	actor := demoToken(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {"**"}})
	env := []string{"CS=" + spacetest.DemoClientSecret, "ST=" + subject, "AT=" + actor}
	base := []string{"token", "--flow", "token_exchange", "--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS",
		"--subject-token-env", "ST", "--audience", spacetest.DemoPublicClientID, "--verbose", "--output", "json"}
	for _, c := range []struct {
		name  string
		extra []string
		says  []string
		act   bool
	}{
		{"impersonation", nil, []string{"impersonation", "check n/a  act        no act claim"}, false},
		{"delegation", []string{"--actor-token-env", "AT", "--subject-token-type", "access_token"},
			[]string{"act claim says demo-app acts for the subject (delegation)", "check ok   act        delegation: the token is about demo, and demo-app acts for the subject"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := authplay(t, nil, nil, env, append(base, c.extra...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			var answer map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &answer); err != nil || answer["issued_token_type"] != "urn:ietf:params:oauth:token-type:access_token" {
				t.Fatalf("stdout: %q", r.stdout)
			}
			claims := claimsOf(t, answer["access_token"].(string))
			act, _ := claims["act"].(map[string]any)
			if claims["aud"] != spacetest.DemoPublicClientID || (act != nil) != c.act || (c.act && act["sub"] != spacetest.DemoClientID) {
				t.Errorf("claims: %v", claims)
			}
			for _, want := range append(c.says, "answered with an access token (urn:ietf:params:oauth:token-type:access_token) (issued_token_type)") {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			for _, secret := range []string{subject, actor, spacetest.DemoClientSecret} {
				if strings.Contains(r.stderr, secret) {
					t.Error("stderr shows a secret whole")
				}
			}
		})
	}
}

// The assertion's file is read when the command runs; a signed one is
// traded for the user's token, the same one again is refused, as is one
// signed with another key, and the fix says what to do.
func TestJWTBearerHeadless(t *testing.T) {
	s := spacetest.Start(t)
	dir := t.TempDir()
	write := func(name string, key any) string {
		jti := make([]byte, 12)
		rand.Read(jti) //nolint:errcheck // crypto/rand does not fail
		now := time.Now()
		claims, _ := json.Marshal(map[string]any{"iss": spacetest.DemoJWTBearerIssuer, "sub": "alice", "aud": s.URL + "/oauth/token",
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": hex.EncodeToString(jti)})
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			t.Fatal(err)
		}
		jws, _ := signer.Sign(claims)
		compact, _ := jws.CompactSerialize()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(compact+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	block, _ := pem.Decode([]byte(spacetest.DemoClientKeyPEM))
	demoKey, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good, wrong := write("good.jwt", demoKey), write("wrong.jwt", stranger)
	env := []string{"CS=" + spacetest.DemoClientSecret}
	bearer := func(file string) result {
		return authplay(t, nil, nil, env, "token", "--flow", "jwt_bearer", "--space-url", s.URL, "--client-id", spacetest.DemoClientID,
			"--client-secret-env", "CS", "--assertion-file", file, "--output", "access_token", "--verbose")
	}
	r := bearer(good)
	if r.code != 0 || claimsOf(t, strings.TrimSpace(r.stdout))["name"] != "alice" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "sub alice: whom the token will act for") || !strings.Contains(r.stderr, "jti ") {
		t.Errorf("the assertion is not shown decoded:\n%s", r.stderr)
	}
	assertion, _ := os.ReadFile(good)
	for _, c := range []struct{ name, file, fix string }{
		{"the same assertion again", good, "fresh jti"},
		{"another key", wrong, "authplay demo-server --print-client-key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := bearer(c.file)
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "invalid_grant") || !strings.Contains(r.stderr, "fix: ") || !strings.Contains(r.stderr, c.fix) {
				t.Errorf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stderr, strings.TrimSpace(string(assertion))) {
				t.Error("stderr shows the assertion whole")
			}
		})
	}
}

// The new methods' flags: a secret is never a flag's value, a flag of
// another method is refused by name, and what is missing is named.
func TestGrantFlagsUsage(t *testing.T) {
	s := spacetest.Start(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--flow", "token_exchange", "--subject-token", "eyJ.x.y"}, "flag provided but not defined: -subject-token"},
		{[]string{"--flow", "token_exchange"}, "--flow token_exchange needs --subject-token-env (or --subject-token-file)"},
		{[]string{"--flow", "jwt_bearer"}, "--flow jwt_bearer needs --assertion-env (or --assertion-file)"},
		{[]string{"--flow", "client_credentials", "--audience", "x"}, "--audience makes no sense for --flow client_credentials"},
		{[]string{"--flow", "token_exchange", "--subject-token-env", "CS", "--subject-token-type", "token"}, "--subject-token-type: subject token type \"token\": choose access token"},
		{[]string{"--flow", "token_exchange", "--subject-token-env", "CS", "--resource", "api#x"}, "--resource: not an absolute URI"},
		{[]string{"--flow", "jwt_bearer", "--assertion-file", "/nonexistent/assertion.jwt"}, "--assertion-file: cannot read /nonexistent/assertion.jwt"},
	} {
		args := append([]string{"token", "--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS"}, c.args...)
		r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret}, args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", c.args, r.code, r.stderr)
		}
	}
}

// `authplay token --help` names both methods and their flags.
func TestTokenHelpShowsTheGrants(t *testing.T) {
	r := authplay(t, nil, nil, nil, "token", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"token_exchange", "jwt_bearer", "-subject-token-env", "-subject-token-type", "-actor-token-env", "-actor-token-type",
		"-audience", "-resource", "-requested-token-type", "-assertion-file", "access_token, jwt, id_token"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--help does not show %q", want)
		}
	}
}

// The banner, the JWT-bearer advice and the README point to
// `authplay demo-server --print-client-key` for the key the built-in
// server trusts: it prints that key, and only it, on stdout (stderr warns
// that it is published demo material), and starts no server.
func TestDemoServerPrintsTheClientKey(t *testing.T) {
	r := authplay(t, nil, nil, nil, "demo-server", "--print-client-key")
	if r.code != 0 || r.stdout != spacetest.DemoClientKeyPEM || strings.Contains(r.stderr, "PRIVATE KEY") || !strings.Contains(r.stderr, "published demo material") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
