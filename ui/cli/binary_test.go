package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/ui/internal/pairs"
)

// The real authplay binary, run as a script would run it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "authplay-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "authplay")
	// Built as a release is (pairs.ReleaseBuild): the token-vs-curl
	// figure is the downloaded binary's.
	if err := pairs.Build(binary, "github.com/authplay/authplay"); err != nil {
		fmt.Fprintln(os.Stderr, "building authplay:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// authplay runs the binary with a private state dir; browse, when set,
// plays the browser for the URL the binary prints.
func authplay(t *testing.T, stdin io.Reader, browse func(line string) bool, env []string, args ...string) result {
	t.Helper()
	return runProgram(t, binary, stdin, browse, env, args...)
}

// runProgram is authplay for any program (bash running a line of the
// README, say), with the same private state dir and browser.
func runProgram(t *testing.T, program string, stdin io.Reader, browse func(line string) bool, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "DISPLAY=", "BROWSER=")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = stdin
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	sc := bufio.NewScanner(errPipe)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	browsed := false
	for sc.Scan() {
		line := sc.Text()
		stderr.WriteString(line + "\n")
		if browse != nil && !browsed {
			browsed = browse(line)
		}
	}
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, stdout.String(), stderr.String()}
}

// approver is a program acting as the browser: it takes the printed
// authorization URL, approves as the demo user and follows the redirect.
func approver(t *testing.T, s *spacetest.Server) func(string) bool {
	return func(line string) bool {
		switch {
		case strings.HasPrefix(line, s.URL+"/oauth/auth?"):
			resp, err := http.PostForm(s.URL+"/demo/approve", url.Values{"authorization_url": {line}})
			if err != nil {
				t.Error(err)
				return true
			}
			var body struct {
				RedirectTo string `json:"redirect_to"`
			}
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			go deliver(t, body.RedirectTo)
			return true
		case strings.HasPrefix(line, s.URL+"/device?user_code="):
			u, _ := url.Parse(line)
			if err := s.ApproveDevice(u.Query().Get("user_code"), spacetest.DemoUsername, true); err != nil {
				t.Error(err)
			}
			return true
		}
		return false
	}
}

func deliver(t *testing.T, loc string) {
	req, _ := http.NewRequest(http.MethodGet, loc, nil)
	if base, frag, ok := strings.Cut(loc, "#"); ok { // what the relay page does
		req, _ = http.NewRequest(http.MethodPost, base, strings.NewReader(frag))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
}

func TestEveryMethodHeadless(t *testing.T) {
	s := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second))
	secrets := []string{"CS=" + spacetest.DemoClientSecret, "PW=" + spacetest.DemoPassword, "PT=" + spacetest.DemoPersonalToken}
	common := []string{"--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS"}
	var refresh string
	cases := []struct {
		method string
		args   []string
	}{
		{"client_credentials", nil},
		{"authorization_code", []string{"--no-browser", "--access-type", "offline"}},
		{"implicit", []string{"--no-browser"}},
		{"password", []string{"--username", "demo", "--password-env", "PW", "--access-type", "offline"}},
		{"refresh_token", []string{"--refresh-token-env", "RT"}},
		{"device_code", []string{"--no-browser", "--device-url", s.URL + "/oauth/device"}},
		{"permanent_token", []string{"--token-env", "PT"}},
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			args := append([]string{"token", "--flow", c.method, "--output", "json", "--verbose"}, common...)
			switch c.method {
			case "permanent_token":
				args = []string{"token", "--flow", c.method, "--space-url", s.URL, "--output", "json"}
			case "implicit": // no client authentication: a secret makes no sense here
				args = args[:len(args)-2]
			}
			r := authplay(t, nil, approver(t, s), append(secrets, "RT="+refresh), append(args, c.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			var tok map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil || tok["access_token"] == nil {
				t.Fatalf("stdout is not the token response: %q", r.stdout)
			}
			if rt, ok := tok["refresh_token"].(string); ok {
				refresh = rt
			}
			for _, secret := range []string{spacetest.DemoClientSecret, spacetest.DemoPassword + "&"} {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("stderr shows a secret: %s", r.stderr)
				}
			}
			if c.method != "permanent_token" && !strings.Contains(r.stderr, "check ok   signature") {
				t.Errorf("--verbose printed no signature check:\n%s", r.stderr)
			}
			// The key set the check needed is a request like any other: shown.
			if c.method != "permanent_token" && !strings.Contains(r.stderr, "== Fetch the server's public keys to check signatures\n> GET "+s.URL+"/oauth/jwks.json") {
				t.Errorf("--verbose did not show the key-set fetch:\n%s", r.stderr)
			}
		})
	}
}

func TestPastedRedirectOnStdin(t *testing.T) {
	s := spacetest.Start(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	paste := func(line string) bool {
		if !strings.HasPrefix(line, s.URL+"/oauth/auth?") {
			return false
		}
		loc, err := s.ApproveAuthorization(line, spacetest.DemoUsername, true)
		if err != nil {
			t.Error(err)
		}
		go func() {
			io.WriteString(pw, "not a url at all\n"+loc+"\n")
			pw.Close() // lets exec's stdin copier finish
		}()
		return true
	}
	r := authplay(t, pr, paste, []string{"CS=" + spacetest.DemoClientSecret}, "token", "--flow", "authorization_code", "--no-browser",
		"--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--output", "access_token")
	if r.code != 0 || !jwtcheck.LooksLikeJWT(strings.TrimSpace(r.stdout)) || !strings.Contains(r.stderr, "was not accepted") {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestClosedStdinKeepsWaitingUntilTimeout(t *testing.T) {
	s := spacetest.Start(t)
	start := time.Now()
	r := authplay(t, strings.NewReader(""), nil, []string{"CS=x"}, "token", "--flow", "authorization_code", "--no-browser",
		"--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--timeout", "1500ms")
	if r.code != 1 || time.Since(start) < 1400*time.Millisecond || !strings.Contains(r.stderr, "no redirect arrived") {
		t.Fatalf("exit %d after %s\n%s", r.code, time.Since(start), r.stderr)
	}
}

func TestUsageAndServerErrors(t *testing.T) {
	s := spacetest.Start(t)
	base := []string{"token", "--space-url", s.URL, "--client-id", "demo-app"}
	cases := []struct {
		args []string
		env  []string
		code int
		want string
	}{
		{[]string{"token", "--flow", "client_credentials", "--bogus"}, nil, 2, "flag provided but not defined: -bogus"},
		{[]string{"token"}, nil, 2, "--flow is required"},
		{[]string{"token", "--flow", "client_credentials"}, nil, 2, "needs --token-url"},
		{append(base, "--flow", "client_credentials", "--username", "x"), nil, 2, "--username makes no sense for --flow client_credentials"},
		{append(base, "--flow", "client_credentials", "--client-secret-env", "UNSET_FOR_TEST"), nil, 2, "UNSET_FOR_TEST is not set"},
		{append(base, "--flow", "client_credentials", "--client-secret-file", "/nonexistent/secret"), nil, 2, "cannot read /nonexistent/secret"},
		{append(base, "--flow", "password", "--client-secret-env", "CS"), []string{"CS=x"}, 2, "needs --username"},
		{append(base, "--flow", "client_credentials", "--output", "yaml"), nil, 2, `--output "yaml"`},
		{append(base, "--flow", "client_credentials", "--client-secret-env", "CS"), []string{"CS=wrong-secret-value"}, 1, "fix: Check the client ID and secret"},
		{[]string{"token", "--flow", "client_credentials", "--token-url", "http://127.0.0.1:1/oauth/token", "--client-id", "x"}, nil, 1, "fix: Start the server"},
		{append(base, "--flow", "client_credentials", "--client-secret", spacetest.DemoClientSecret), nil, 0, "shows in the process list"},
		{[]string{"token", "--flow", "client_credentials", "--profile", "nope"}, nil, 2, `no profile "nope"`},
		// The TUI refuses an unknown profile before it takes the terminal.
		{[]string{"--profile", "nope"}, nil, 2, `--profile "nope": no such profile`},
	}
	for _, c := range cases {
		r := authplay(t, nil, nil, c.env, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
		if c.code != 0 && r.stdout != "" {
			t.Errorf("%v: stdout %q on failure", c.args, r.stdout)
		}
		if strings.Contains(r.stderr, "wrong-secret-value") {
			t.Errorf("the secret is echoed: %s", r.stderr)
		}
	}
}

func TestProfileFromFile(t *testing.T) {
	s := spacetest.Start(t)
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "authplay"), 0o700)
	prof := fmt.Sprintf(`{"profiles":[{"name":"demo","provider":{"kind":"space","service_url":%q},"client_id":"demo-app","client_secret":"env:CS","scope":"**"}]}`, s.URL)
	os.WriteFile(filepath.Join(cfg, "authplay", "profiles.json"), []byte(prof), 0o600)
	r := authplay(t, nil, nil, []string{"XDG_CONFIG_HOME=" + cfg, "CS=" + spacetest.DemoClientSecret}, "token", "--flow", "client_credentials", "--profile", "demo", "--output", "header")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Authorization: Bearer eyJ") {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestOneRoundTripUnlessChecksAreAsked(t *testing.T) {
	var hits []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"opaque-token-0123456789","token_type":"bearer","expires_in":60}`)
	}))
	defer srv.Close()
	r := authplay(t, nil, nil, []string{"CS=x"}, "token", "--flow", "client_credentials", "--token-url", srv.URL+"/token",
		"--client-id", "c", "--client-secret-env", "CS", "--output", "access_token")
	mu.Lock()
	defer mu.Unlock()
	if r.code != 0 || strings.TrimSpace(r.stdout) != "opaque-token-0123456789" || len(hits) != 1 || hits[0] != "POST /token" {
		t.Fatalf("exit %d stdout %q requests %v\n%s", r.code, r.stdout, hits, r.stderr)
	}
}

// With --issuer and --verbose, discovery is shown like every other request:
// where the endpoints came from is part of what is learnt.
func TestVerboseShowsDiscovery(t *testing.T) {
	s := spacetest.Start(t)
	r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret}, "token", "--flow", "client_credentials", "--issuer", s.URL,
		"--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--output", "access_token", "--verbose")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"== Read the server's metadata (discovery)\n> GET " + s.URL + "/.well-known/openid-configuration", "names the server's endpoints (authorization " + s.URL + "/oauth/auth, token " + s.URL + "/oauth/token)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// With --issuer the discovery document is at hand, so what it does not
// list is said before the request goes out.
func TestLintBeforeSending(t *testing.T) {
	// The handler names its own origin from the request: reading srv.URL
	// there races with its assignment, since the request comes from another
	// process and the race detector sees no order between the two.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			io.WriteString(w, `{"access_token":"opaque-token-0123456789","token_type":"bearer","expires_in":60}`)
			return
		}
		origin := "http://" + r.Host
		io.WriteString(w, `{"issuer":"`+origin+`","token_endpoint":"`+origin+`/token","grant_types_supported":["authorization_code"]}`)
	}))
	defer srv.Close()
	r := authplay(t, nil, nil, []string{"CS=x"}, "token", "--flow", "client_credentials", "--issuer", srv.URL,
		"--client-id", "c", "--client-secret-env", "CS", "--output", "access_token")
	if r.code != 0 || !strings.Contains(r.stderr, "authplay: warning: the server does not list client_credentials among its grant types (authorization_code)\n") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
