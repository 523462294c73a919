package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Journeys through the real binary in tmux, with the keys a person presses.

func TestClientCredentialsJourneyInTmux(t *testing.T) {
	s := startTmux(t, 80, 24, "--demo", "--flow", "client_credentials")
	scr := s.waitFor(10*time.Second, "Client Credentials", "Token URL", "demo-app")
	if strings.Contains(scr, "demo-secret") {
		t.Fatalf("the client secret shows on screen:\n%s", scr)
	}
	s.keys("Enter")
	s.waitFor(20*time.Second, "Access token", "expires in", "acts for the application")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestEveryMethodInTmux(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range []struct {
			name    string
			index   int
			approve bool
			actsFor string
		}{
			{"authorization_code", 0, true, "acts for user demo"},
			{"client_credentials", 1, false, "acts for the application"},
			{"device_code", 2, true, "acts for user demo"},
			{"permanent_token", 4, false, "acts for user demo"},
			{"password", 5, false, "acts for user demo"},
			{"implicit", 6, true, "acts for user demo"},
		} {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], c.name), func(t *testing.T) {
				s := startTmux(t, size[0], size[1], "--demo")
				s.waitFor(10*time.Second, "Pick a flow")
				s.pick(c.index)
				scr := s.runToToken(c.approve)
				if !strings.Contains(scr, c.actsFor) || (c.name != "permanent_token" && !strings.Contains(scr, "expires in")) {
					t.Fatalf("want %q on the token screen:\n%s", c.actsFor, scr)
				}
				s.keys("q")
				s.waitFor(10*time.Second, "[exit 0]")
			})
		}
		// Refresh needs a refresh token from an earlier run: password first.
		t.Run(fmt.Sprintf("%dx%d/refresh_token", size[0], size[1]), func(t *testing.T) {
			s := startTmux(t, size[0], size[1], "--demo")
			s.waitFor(10*time.Second, "Pick a flow")
			s.pick(5)
			s.runToToken(false)
			s.keys("n") // back to the form
			s.waitFor(10*time.Second, "will send")
			s.keys("Escape")
			s.waitFor(10*time.Second, "Pick a flow")
			s.pick(3)
			scr := s.runToToken(false)
			if !strings.Contains(scr, "refresh token kept") {
				t.Fatalf("no refresh token on the token screen:\n%s", scr)
			}
			s.keys("q")
			s.waitFor(10*time.Second, "[exit 0]")
		})
	}
}

func TestEndpointVerificationJourneyInTmux(t *testing.T) {
	s := startTmux(t, 100, 32, "--demo")
	s.waitFor(10*time.Second, "Pick a flow", "Endpoint verification")
	s.keys("Up", "Up", "Enter") // the entry after the seven flows, before the lab
	s.waitFor(10*time.Second, "listening at http://127.0.0.1:", "public key(s), fetched with an application token")
	s.keys("s")
	s.waitFor(10*time.Second, "✓ PASS", "signing key and public key", "✓ signing key: HMAC-SHA256")
	s.keys("4")
	scr := s.waitFor(10*time.Second, "✗ FAIL", "looks like seconds")
	if !strings.Contains(scr, "Space sends milliseconds") {
		t.Fatalf("the seconds-for-milliseconds verdict does not explain itself:\n%s", scr)
	}
	s.keys("Escape")
	s.waitFor(10*time.Second, "Pick a flow")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestStartScreenJourneyInTmux(t *testing.T) {
	s := startTmux(t, 100, 32)
	s.waitFor(10*time.Second, "Profiles", "Demo Space (offline)", "+ New profile", "Recent sessions")
	s.keys("Enter") // the built-in server
	s.waitFor(10*time.Second, "Pick a flow")
	s.pick(1)
	s.runToToken(false)
	s.keys("n")
	s.waitFor(10*time.Second, "will send")
	s.keys("Escape")
	s.waitFor(10*time.Second, "Pick a flow")
	s.keys("Escape")
	s.waitFor(10*time.Second, "Client Credentials", "token, expires in")
	s.keys("Down", "Down") // past the profile and "new profile", onto the session
	s.keys("e")
	s.waitFor(10*time.Second, "report written to")
	s.keys("Enter")
	s.waitFor(10*time.Second, "Access token", "acts for the application Demo App")
	s.keys("n")
	s.waitFor(10*time.Second, "will send")
	s.keys("Escape")
	s.waitFor(10*time.Second, "Pick a flow")
	s.keys("Escape")
	s.waitFor(10*time.Second, "+ New profile")
	s.keys("n")
	s.waitFor(10*time.Second, "New profile", "saved to")
	s.tmux("send-keys", "-t", s.name, "-l", "acme")
	s.keys("Tab", "Left", "Left", "Left") // from the first preset back past the two other choices to Space
	s.waitFor(10*time.Second, "‹ JetBrains Space ›")
	s.keys("Tab")
	s.tmux("send-keys", "-t", s.name, "-l", "https://acme.jetbrains.space")
	s.keys("Tab")
	s.tmux("send-keys", "-t", s.name, "-l", "client-1")
	s.keys("Tab")
	s.tmux("send-keys", "-t", s.name, "-l", "env:ACME_SECRET")
	s.keys("Enter")
	s.waitFor(10*time.Second, "saved profile acme", "⚠ profile \"acme\", client_secret: the environment variable", "ACME_SECRET is not set")
	saved, err := os.ReadFile(filepath.Join(filepath.Dir(s.sock), "config", "authplay", "profiles.json"))
	if err != nil || !strings.Contains(string(saved), `"client_secret": "env:ACME_SECRET"`) || !strings.Contains(string(saved), "https://acme.jetbrains.space") {
		t.Errorf("profiles.json: %v\n%s", err, saved)
	}
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestRegistrationGuideInTmux(t *testing.T) {
	s := startTmux(t, 100, 32, "--demo")
	s.waitFor(10*time.Second, "Pick a flow", "g registration guide")
	s.keys("g") // on Authorization Code + PKCE
	s.waitFor(10*time.Second, "Registration guide: Authorization Code", "Extensions › Installed › New application",
		"Add exactly http://127.0.0.1/callback to")
	s.keys("c")
	s.waitFor(5*time.Second, "copied the redirect URI")
	s.waitForBuffer(5*time.Second, "http://127.0.0.1/callback")
	s.keys("s")
	scr := s.waitFor(5*time.Second, "SSH public key", "ssh-ed25519 ", "fingerprint SHA256:", "(0600)")
	if strings.Contains(scr, "PRIVATE KEY") {
		t.Error("the private key is on screen")
	}
	s.keys("s")                                   // again: the key made is shown, never replaced
	s.waitFor(5*time.Second, "kept:", "replaced") // single words: the path before them changes the wrapping
	s.keys("Escape")
	s.waitFor(10*time.Second, "Pick a flow")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestDeviceQRCodeFitsAt80x24(t *testing.T) {
	s := startTmux(t, 80, 24, "--demo", "--flow", "device_code")
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(10*time.Second, "r QR code")
	s.keys("r")
	scr := s.waitFor(5*time.Second, "Scan it, or open")
	lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
	bottom := 0
	for i, l := range lines {
		if strings.Contains(l, "█▄▄▄▄▄▄▄█") { // the finder patterns' lower edge: the code's last rows
			bottom = i
		}
	}
	if bottom == 0 || bottom >= 23 {
		t.Fatalf("the QR code does not fit above the help line:\n%s", scr)
	}
	s.keys("a")
	s.waitFor(20*time.Second, "Access token", "acts for user demo")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestInspectorIntrospectRevokeExportInTmux(t *testing.T) {
	s := startTmux(t, 100, 32, "--demo", "--flow", "password")
	s.runToToken(false)
	s.keys("i")
	s.waitFor(10*time.Second, "(introspection)", `"active": true`)
	s.keys("j", "j", "j", "j", "j", "j", "j", "j") // the rest of the answer
	s.waitFor(10*time.Second, `"username": "demo"`)
	s.keys("x")
	s.waitFor(10*time.Second, "Revoke the refresh token")
	s.keys("i")
	s.waitFor(10*time.Second, `"active": false`)
	s.keys("e")
	s.waitFor(10*time.Second, "report written to")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

func TestCtrlCExits130AndQExits0(t *testing.T) {
	s := startTmux(t, 80, 24, "--demo", "--flow", "authorization_code")
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(10*time.Second, "Waiting for your browser", "times out in 4 min")
	s.keys("C-c") // even while a field or a wait is active
	s.waitFor(10*time.Second, "[exit 130]")
}

// Step mode at 80×24: the code flow pauses before the token request, which
// shows with its headers and the code; the person removes the PKCE
// verifier and sends it; the server refuses and authplay explains; a
// second run, sent as built, gets a token.
func TestStepModeEditsTheTokenRequestInTmux(t *testing.T) {
	s := startTmux(t, 80, 24, "--demo", "--flow", "authorization_code", "--step")
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(10*time.Second, "paused before sending the browser")
	s.keys("Enter")
	s.waitFor(10*time.Second, "approve (demo)")
	s.keys("a")
	s.waitFor(10*time.Second, "paused before this request", "POST http://127.0.0.1:", "Authorization: Basic", "code_verifier=")
	s.keys("e")
	s.waitFor(10*time.Second, "Edit the request")
	for range 7 { // the request line, four headers, a blank line, code=: then code_verifier=
		s.keys("Down")
	}
	s.keys("C-a", "C-k", "C-s")
	s.waitFor(10*time.Second, "Fix:", "invalid_grant")
	scr := s.screen()
	if !strings.Contains(scr, "verifier") {
		t.Fatalf("the explanation does not name the verifier:\n%s", scr)
	}
	s.keys("Enter") // edit parameters: a second run
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(10*time.Second, "paused before sending the browser")
	s.keys("Enter")
	s.waitFor(10*time.Second, "approve (demo)")
	s.keys("a")
	s.waitFor(10*time.Second, "paused before this request")
	s.keys("Enter")
	s.waitFor(20*time.Second, "Access token", "acts for user demo")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

// The theme and step mode are remembered: chosen once, they are there the
// next time authplay starts.
func TestChoicesAreRememberedInTmux(t *testing.T) {
	config := t.TempDir()
	env := []string{"XDG_CONFIG_HOME=" + config}
	s := startTmuxEnv(t, 80, 24, env, "--demo", "--theme", "charm")
	s.waitFor(10*time.Second, "Pick a flow")
	s.keys("C-t")
	s.waitFor(5*time.Second, "theme: ")
	s.keys("C-p")
	s.waitFor(5*time.Second, "step mode on")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
	b, err := os.ReadFile(filepath.Join(config, "authplay", "settings.json"))
	if err != nil || !strings.Contains(string(b), `"step_mode": true`) || strings.Contains(string(b), `"theme": "charm"`) {
		t.Fatalf("settings: %s %v", b, err)
	}
	s = startTmuxEnv(t, 80, 24, env, "--demo", "--flow", "client_credentials")
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(10*time.Second, "paused before this request")
	s.keys("C-c")
	s.waitFor(10*time.Second, "[exit 130]")
}
