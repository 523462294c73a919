package cli_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// `authplay token --help` offers --dpop, a flag that stands alone.
func TestTokenHelpShowsDPoP(t *testing.T) {
	r := authplay(t, nil, nil, nil, "token", "--help")
	if r.code != 0 || !strings.Contains(r.stderr, "-dpop\n") || !strings.Contains(r.stderr, "DPoP (RFC 9449)") {
		t.Fatalf("exit %d, help:\n%s", r.code, r.stderr)
	}
	r = authplay(t, nil, nil, nil, "token", "--flow", "implicit", "--auth-url", "https://as.example/auth", "--client-id", "c", "--dpop")
	if r.code != 2 || !strings.Contains(r.stderr, "--dpop makes no sense for --flow implicit") {
		t.Fatalf("--dpop with implicit: exit %d\n%s", r.code, r.stderr)
	}
	r = authplay(t, nil, nil, nil, "token", "--flow", "client_credentials", "--dpop=maybe")
	if r.code != 2 || !strings.Contains(r.stderr, "give the flag alone") {
		t.Fatalf("--dpop=maybe: exit %d\n%s", r.code, r.stderr)
	}
}

// runCurl runs a curl line as a shell would, and returns what it printed.
func runCurl(t *testing.T, line string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	out, err := exec.Command("bash", "-c", line+" --silent --show-error --max-time 10").CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s\n%s", err, out, line)
	}
	return string(out)
}

// The code flow of demo-dpop-app with --dpop (nonces and all), headless:
// --output curl gives a line with a fresh proof that the built-in server
// takes, stderr says for how long, and neither stdout nor stderr ever
// holds the session's private key, whatever the output form.
func TestDPoPHeadlessCurlLineWorks(t *testing.T) {
	s := spacetest.Start(t)
	state := t.TempDir()
	args := []string{"token", "--flow", "authorization_code", "--space-url", s.URL, "--client-id", spacetest.DemoDPoPClientID,
		"--auth-style", "none", "--no-browser", "--dpop", "--access-type", "offline", "--verbose"}
	env := []string{"XDG_STATE_HOME=" + state}
	r := authplay(t, nil, approver(t, s), env, append(args, "--output", "curl")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	line := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(line, "curl -sS -H 'Authorization: DPoP ") || !strings.Contains(line, "-H 'DPoP: ey") {
		t.Fatalf("not a DPoP curl line: %s", line)
	}
	for _, want := range []string{"good for one request", "60 s", "DPoP proof, decoded", "use_dpop_nonce"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	var me map[string]any
	out := runCurl(t, line)
	if err := json.Unmarshal([]byte(out), &me); err != nil || me["username"] != "demo" {
		t.Fatalf("the curl line was refused: %s", out)
	}
	private := sessionKeys(t, state)
	r2 := authplay(t, nil, approver(t, s), env, append(args, "--output", "json")...)
	if r2.code != 0 {
		t.Fatalf("json: exit %d\n%s", r2.code, r2.stderr)
	}
	private = append(private, sessionKeys(t, state)...)
	for _, out := range []string{r.stdout, r.stderr, r2.stdout, r2.stderr} {
		for _, p := range private {
			if strings.Contains(out, p) {
				t.Fatal("the output holds a session's private key")
			}
		}
	}
}

// Client credentials with --dpop: demo-app's token is bound, and the curl
// line works, once: its proof's jti is spent by the first use.
func TestDPoPClientCredentialsCurlLineWorks(t *testing.T) {
	s := spacetest.Start(t)
	r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret}, "token", "--flow", "client_credentials", "--space-url", s.URL,
		"--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--dpop", "--output", "curl")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var app map[string]any
	if out := runCurl(t, strings.TrimSpace(r.stdout)); json.Unmarshal([]byte(out), &app) != nil || app["clientId"] != spacetest.DemoClientID {
		t.Fatalf("the curl line was refused: %s", out)
	}
	// The same line again is a replay: the proof is good once.
	if out := runCurl(t, strings.TrimSpace(r.stdout)); !strings.Contains(out, "already used") {
		t.Fatalf("a replayed curl line was accepted: %s", out)
	}
}

// sessionKeys are the private keys of the sessions under a state
// directory, in the forms they could be written down.
func sessionKeys(t *testing.T, state string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(state, "authplay", "dpop-keys", "*.pem"))
	if len(files) == 0 {
		t.Fatal("no DPoP key file was kept")
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(b)
		priv, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := priv.Bytes()
		out = append(out, base64.StdEncoding.EncodeToString(block.Bytes)[:40], base64.RawURLEncoding.EncodeToString(d), new(big.Int).SetBytes(d).String())
	}
	return out
}

// `authplay demo-server --require-dpop` refuses a token request without a
// proof, which authplay explains, and takes one with --dpop; its banner
// says so and offers the DPoP command.
func TestDemoServerRequireDPoP(t *testing.T) {
	u, banner := demoServer(t, "--require-dpop")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(banner(), "Press ctrl+c to stop") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"--require-dpop is on", "--client-id demo-dpop-app --auth-style none --dpop"} {
		if !strings.Contains(banner(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner())
		}
	}
	args := []string{"token", "--flow", "client_credentials", "--space-url", u, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--output", "access_token"}
	env := []string{"CS=" + spacetest.DemoClientSecret}
	r := authplay(t, nil, nil, env, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "invalid_dpop_proof") || !strings.Contains(r.stderr, "fix: Turn DPoP on") || !strings.Contains(r.stderr, "--require-dpop") {
		t.Fatalf("without --dpop: exit %d\n%s", r.code, r.stderr)
	}
	if r := authplay(t, nil, nil, env, append(args, "--dpop")...); r.code != 0 {
		t.Fatalf("with --dpop: exit %d\n%s", r.code, r.stderr)
	}
}

// The README's DPoP commands, as written, against a real demo-server:
// each `authplay token` line runs in bash (pipe and all) with the
// address and the binary put in, and does what the README says.
func TestReadmeDPoPCommandsWork(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### DPoP: tokens bound to a key\n")
	if !ok {
		t.Fatal("the README has no DPoP section")
	}
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	var cmds []string
	env := []string{}
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", ""), "\n") {
		switch line = strings.TrimSpace(line); {
		case strings.HasPrefix(line, "export "):
			env = append(env, strings.TrimPrefix(line, "export "))
		case strings.HasPrefix(line, "authplay token"):
			cmds = append(cmds, line)
		}
	}
	if len(cmds) != 2 || len(env) != 1 {
		t.Fatalf("want two authplay token commands and one export, got %q %q", cmds, env)
	}
	u, _ := demoServer(t)
	s := &spacetest.Server{URL: u} // only its URL: the approver signs in through the running demo-server
	for i, cmd := range cmds {
		cmd = strings.ReplaceAll(strings.Replace(cmd, "authplay", binary, 1), "http://127.0.0.1:9090", u)
		r := runProgram(t, "bash", nil, approver(t, s), env, "-c", cmd)
		if r.code != 0 {
			t.Fatalf("%s\nexit %d\n%s", cmd, r.code, r.stderr)
		}
		switch i {
		case 0:
			var app map[string]any
			if json.Unmarshal([]byte(r.stdout), &app) != nil || app["clientId"] != spacetest.DemoClientID {
				t.Errorf("the piped curl line did not reach the API: %q\n%s", r.stdout, r.stderr)
			}
		case 1:
			if !strings.HasPrefix(r.stdout, "curl -sS -H 'Authorization: DPoP ") {
				t.Errorf("not a DPoP curl line: %q", r.stdout)
			}
		}
	}
}
