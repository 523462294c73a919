package ui_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// private_key_jwt in the real TUI at 80×24 against the built-in server:
// the person switches the demo profile's client to demo-jwt-app, chooses
// private_key_jwt, names the key `authplay demo-server --print-client-key`
// printed, and gets a token; then names a key the server does not hold,
// and the server's refusal comes back explained.
func TestPrivateKeyJWTJourneyInTmux(t *testing.T) {
	if binary == "" {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	demoKey, otherKey := filepath.Join(dir, "demo-key.pem"), filepath.Join(dir, "other-key.pem")
	sh := exec.Command("sh", "-c", `umask 077; "$0" demo-server --print-client-key > "$1" && XDG_CONFIG_HOME="$3" "$0" keygen --out "$2" > /dev/null`, binary, demoKey, otherKey, dir)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("making the key files: %v\n%s", err, out)
	}

	s := startTmux(t, 80, 24, "--demo", "--flow", "client_credentials")
	s.waitFor(10*time.Second, "Client Credentials", "Token URL", "demo-app")
	fillKeyForm(s, demoKey)
	s.keys("Enter")
	scr := s.waitFor(20*time.Second, "Access token", "acts for the application")
	if strings.Contains(scr, "PRIVATE KEY") || strings.Contains(scr, "demo-secret") {
		t.Fatalf("a key or a secret shows:\n%s", scr)
	}

	// A new run, with a key the server does not hold.
	s.keys("n")
	s.waitFor(10*time.Second, "will send", "‹ basic ›")
	fillKeyForm(s, otherKey)
	s.keys("Enter")
	scr = s.waitFor(20*time.Second, "invalid_client", "--print-client-key")
	if !strings.Contains(scr, "demo-jwt-app") {
		t.Fatalf("the refusal is not explained in the built-in server's words:\n%s", scr)
	}
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

// fillKeyForm turns the demo profile's client credentials form into
// demo-jwt-app with private_key_jwt and the key at keyFile, as a person
// would: client ID typed over, the choice cycled, the path typed.
func fillKeyForm(s *tmuxSession, keyFile string) {
	s.t.Helper()
	s.keys("Tab", "C-u")
	s.tmux("send-keys", "-t", s.name, "-l", "demo-jwt-app")
	s.keys("Tab", "Tab", "Tab") // past the secret and the scope, onto Client auth
	s.keys("Right", "Right", "Right")
	s.waitFor(10*time.Second, "‹ private_key_jwt ›", "Private key file", "no shared secret")
	s.keys("Tab")
	s.waitFor(10*time.Second, "PEM file of the client's RSA or EC private key")
	s.tmux("send-keys", "-t", s.name, "-l", keyFile)
	// Each typed character is a key read and a preview: under the race
	// detector on a loaded machine a long path takes more than 10 s.
	scr := s.waitFor(30*time.Second, filepath.Base(keyFile), "POST http://127.0.0.1:")
	if strings.Contains(scr, "required for private_key_jwt") {
		s.t.Fatalf("the key file is still wanted:\n%s", scr)
	}
}
