package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/spacetest"
)

// verdictLines checks that stdout is one verdict line per experiment, in
// order, and nothing else; it returns each id's verdict.
func verdictLines(t *testing.T, stdout string, ids []string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(ids) {
		t.Fatalf("%d stdout lines for %d experiments:\n%s", len(lines), len(ids), stdout)
	}
	line := regexp.MustCompile(`^(DEFENDED|VULNERABLE|SKIPPED) ([a-z-]+): (.+) \[(RFC|OIDC) [^]]+\]$`)
	out := map[string]string{}
	for i, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil || m[2] != ids[i] || strings.TrimSpace(m[3]) == "" {
			t.Fatalf("stdout line %d is not the verdict for %s: %q", i+1, ids[i], l)
		}
		out[m[2]] = m[1]
	}
	return out
}

// The first done-when command of issue 14: the built-in server, in
// process, defends every experiment.
func TestProbeDemoDefendsEveryExperiment(t *testing.T) {
	t.Parallel()
	r := authplay(t, nil, nil, nil, "probe", "--demo")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for id, v := range verdictLines(t, r.stdout, lab.IDs()) {
		if v != "DEFENDED" {
			t.Errorf("%s: %s", id, v)
		}
	}
	if strings.Contains(r.stderr, spacetest.DemoClientSecret) {
		t.Errorf("stderr shows the client secret:\n%s", r.stderr)
	}
}

// demoServer runs `authplay demo-server` as its own process and returns
// its URL and everything it printed so far.
func demoServer(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"demo-server", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() }) //nolint:errcheck // stopped by the test
	var mu sync.Mutex
	var banner strings.Builder
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			mu.Lock()
			banner.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if u, ok := strings.CutPrefix(sc.Text(), "authplay's built-in Space-compatible server is listening at "); ok {
				found <- u
			}
		}
	}()
	printed := func() string { mu.Lock(); defer mu.Unlock(); return banner.String() }
	select {
	case u := <-found:
		return u, printed
	case <-time.After(30 * time.Second):
		t.Fatalf("demo-server printed no address:\n%s", printed())
	}
	return "", nil
}

// everyBrowser plays the person at every sign-in the probe offers: it
// approves at the built-in server and follows the redirect wherever the
// server sends the browser.
func everyBrowser(t *testing.T, serverURL string) func(string) bool {
	return func(line string) bool {
		if !strings.HasPrefix(line, serverURL+"/oauth/auth?") {
			return false
		}
		resp, err := http.PostForm(serverURL+"/demo/approve", url.Values{"authorization_url": {line}})
		if err != nil {
			t.Error(err)
			return false
		}
		var body struct {
			RedirectTo string `json:"redirect_to"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if body.RedirectTo != "" {
			go deliver(t, body.RedirectTo)
		}
		return false // and the next one
	}
}

// The second done-when command: a demo-server with its defences off is
// found vulnerable on exactly the matching experiments, and probe exits 1.
// Nobody signs in: the server's discovery document names its headless
// approval, so probe knows it for the built-in server.
func TestProbeFindsAWeakDemoServerVulnerable(t *testing.T) {
	t.Parallel()
	u, printed := demoServer(t, "--weak", "replay,pkce,redirect")
	r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret},
		"probe", "--issuer", u, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--no-browser")
	if r.code != 1 {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	want := map[string]string{
		"code-replay": "VULNERABLE", "pkce-missing-verifier": "VULNERABLE", "pkce-wrong-verifier": "VULNERABLE", "pkce-downgrade": "VULNERABLE",
		"redirect-token-mismatch": "VULNERABLE", "redirect-other-path": "VULNERABLE", "redirect-suffix": "VULNERABLE",
		// Discovery says it is the built-in server, so its public client
		// shows refresh-token rotation, which --weak leaves on.
		"refresh-reuse": "DEFENDED",
		"wrong-secret":  "DEFENDED", "revoked-token": "DEFENDED", "forged-state": "DEFENDED", "id-token-audience": "DEFENDED",
	}
	for id, v := range verdictLines(t, r.stdout, lab.IDs()) {
		if want[id] != v {
			t.Errorf("%s: %s, want %s", id, v, want[id])
		}
	}
	if !strings.Contains(printed(), "WARNING: WEAKENED ON PURPOSE (--weak replay,pkce,redirect): this server is UNSAFE.") {
		t.Errorf("the banner does not warn:\n%s", printed())
	}
}

// With --no-browser the sign-in URL stands alone on a stderr line, and an
// experiment nobody signs in to within 20 s is skipped.
func TestProbeSkipsASignInThatNeverComes(t *testing.T) {
	t.Parallel()
	s := spacetest.Start(t)
	start := time.Now()
	r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret},
		"probe", "--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--no-browser", "--only", "pkce-wrong-verifier,wrong-secret")
	if r.code != 0 || time.Since(start) < 19*time.Second {
		t.Fatalf("exit %d after %s\n%s", r.code, time.Since(start), r.stderr)
	}
	got := verdictLines(t, r.stdout, []string{"pkce-wrong-verifier", "wrong-secret"})
	if got["pkce-wrong-verifier"] != "SKIPPED" || !strings.Contains(r.stdout, "nobody signed in within 20 s") || got["wrong-secret"] != "DEFENDED" {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	alone := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(s.URL) + `/oauth/auth\?\S+$`)
	if !alone.MatchString(r.stderr) {
		t.Fatalf("no stderr line holds the URL alone:\n%s", r.stderr)
	}
}

func TestProbeUsageErrors(t *testing.T) {
	t.Parallel()
	remote := []string{"probe", "--auth-url", "https://auth.example.test/authorize", "--token-url", "https://auth.example.test/token", "--client-id", "x"}
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"unknown experiment", "", []string{"probe", "--demo", "--only", "code-replay,csrf"}, `--only: no experiment "csrf"`},
		{"an empty --only", "", []string{"probe", "--demo", "--only", " , "}, "--only: names no experiment"},
		{"demo with endpoint flags", "", []string{"probe", "--demo", "--client-id", "x"}, "--client-id cannot go with it"},
		{"no server", "", []string{"probe"}, "probe needs a server: --demo, --profile NAME"},
		{"a flag the code flow has no use for", "", []string{"probe", "--demo", "--username", "u"}, "flag provided but not defined: -username"},
		{"missing client id", "", []string{"probe", "--auth-url", "http://127.0.0.1:1/a", "--token-url", "http://127.0.0.1:1/t"}, "--client-id"},
		{"another machine, stdin closed", "", remote, "no answer came (stdin is closed); pass --yes"},
		{"another machine, declined", "n\n", remote, "nothing was sent to auth.example.test"},
		{"demo-server with an unknown weakness", "", []string{"demo-server", "--addr", "127.0.0.1:0", "--weak", "replay,nope"}, `--weak: unknown weakness "nope": choose among replay, pkce, redirect`},
	}
	for _, c := range cases {
		r := authplay(t, strings.NewReader(c.stdin), nil, nil, c.args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s", c.name, r.code, r.stdout, r.stderr)
		}
		if strings.HasPrefix(c.name, "another machine") && !strings.Contains(r.stderr, "this revokes tokens at auth.example.test; go on? [y/N]") {
			t.Errorf("%s: no question asked:\n%s", c.name, r.stderr)
		}
	}
}

// A saved profile of the built-in server's family signs in through its
// headless approval, as --demo does: nobody is asked, nothing waits.
func TestProbeABuiltinProfileNeedsNobody(t *testing.T) {
	t.Parallel()
	s := spacetest.Start(t)
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "authplay"), 0o700)
	prof, _ := json.Marshal(map[string]any{"profiles": []any{map[string]any{
		"name": "mine", "client_id": "demo-app", "client_secret": "env:CS", "scope": "**", "access_type": "offline",
		"provider": map[string]string{"kind": "endpoints", "family": "builtin", "service_url": s.URL, "auth_url": s.URL + "/oauth/auth",
			"token_url": s.URL + "/oauth/token", "revoke_url": s.URL + "/oauth/revoke", "introspect_url": s.URL + "/oauth/introspect"},
	}}})
	os.WriteFile(filepath.Join(cfg, "authplay", "profiles.json"), prof, 0o600)
	r := authplay(t, nil, nil, []string{"XDG_CONFIG_HOME=" + cfg, "CS=" + spacetest.DemoClientSecret},
		"probe", "--profile", "mine", "--no-browser", "--only", "code-replay,refresh-reuse,revoked-token")
	if r.code != 0 || strings.Contains(r.stderr, "sign in at") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for id, v := range verdictLines(t, r.stdout, []string{"code-replay", "refresh-reuse", "revoked-token"}) {
		if v != "DEFENDED" {
			t.Errorf("%s: %s", id, v)
		}
	}
}

// ctrl+c while an experiment waits for a sign-in ends the probe with 130
// and no verdict for the unfinished experiment.
func TestProbeInterruptExits130(t *testing.T) {
	t.Parallel()
	s := spacetest.Start(t)
	cmd := exec.Command(binary, "probe", "--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--no-browser", "--only", "code-replay")
	cmd.Env = append(os.Environ(), "CS="+spacetest.DemoClientSecret, "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "DISPLAY=", "BROWSER=")
	var stdout strings.Builder
	cmd.Stdout = &stdout
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(15*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), s.URL+"/oauth/auth?") {
			cmd.Process.Signal(os.Interrupt)
		}
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || stdout.String() != "" {
		t.Fatalf("exit %v, stdout %q", err, stdout.String())
	}
}

// Against a server that cannot approve by itself, a person signs in at the
// URL probe prints; the experiment then runs to its verdict.
func TestProbeWaitsForAPersonToSignIn(t *testing.T) {
	t.Parallel()
	s := spacetest.Start(t, spacetest.WithHeadlessApproval(true)) // the test's "person" uses it; probe does not know
	r := authplay(t, nil, everyBrowser(t, s.URL), []string{"CS=" + spacetest.DemoClientSecret},
		"probe", "--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--no-browser", "--only", "code-replay")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "DEFENDED code-replay: ") || !strings.Contains(r.stderr, "sign in at the address below") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
