package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProfileFlagInTheTUI: --profile opens a saved profile, or the
// built-in server's by its name; the built-in server's profile is made
// beside the TUI's start, so each is checked on the screen it opens.
func TestProfileFlagInTheTUI(t *testing.T) {
	config := t.TempDir()
	if err := os.MkdirAll(filepath.Join(config, "authplay"), 0o700); err != nil {
		t.Fatal(err)
	}
	profiles := `{"profiles":[` +
		`{"name":"mine","provider":{"kind":"space","service_url":"http://127.0.0.1:1"},"client_id":"my-own-client"}]}`
	if err := os.WriteFile(filepath.Join(config, "authplay", "profiles.json"), []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CONFIG_HOME=" + config}

	s := startTmuxEnv(t, 100, 30, env, "--profile", "mine", "--flow", "client_credentials")
	if scr := s.waitFor(15*time.Second, "Client Credentials", "authplay · mine", "my-own-client"); strings.Contains(scr, "demo-app") {
		t.Errorf("--profile mine shows the built-in server's client:\n%s", scr)
	}
	s.keys("C-c")
	s.waitFor(10*time.Second, "[exit 130]")

	s = startTmuxEnv(t, 100, 30, env, "--profile", "Demo Space (offline)", "--flow", "client_credentials")
	s.waitFor(15*time.Second, "Client Credentials", "demo-app", "authplay · Demo Space (offline)")
}
