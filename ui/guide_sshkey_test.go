package ui

import (
	"context"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// sshKeygen runs OpenSSH's ssh-keygen with a deadline, or skips the test
// when it is missing (fails under AUTHPLAY_E2E=1: openssh-client).
func sshKeygen(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ssh-keygen")
	if err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("AUTHPLAY_E2E=1 and ssh-keygen is missing (install openssh-client)")
		}
		t.Skip("ssh-keygen is not installed (openssh-client): the guide's key is not checked against OpenSSH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// The key the guide saves is one OpenSSH reads, and the line and
// fingerprint the guide shows are the ones ssh-keygen gives for it.
func TestGuideKeyIsOneSSHKeygenReads(t *testing.T) {
	_, g := guideWithKeys(t, t.TempDir(), "demo-app")
	makeKeyPress(t, g)
	if got := sshKeygen(t, "-y", "-f", g.saved); got != g.pub {
		t.Errorf("ssh-keygen -y reads the saved key as\n%s\nthe guide shows\n%s", got, g.pub)
	}
	// "256 SHA256:... authplay-demo-app (ED25519)"
	if got := strings.Fields(sshKeygen(t, "-l", "-E", "sha256", "-f", g.saved)); len(got) < 2 || got[1] != g.fp {
		t.Errorf("ssh-keygen -l gives %v, the guide shows %s", got, g.fp)
	}
}

// A file already at the key's path that authplay cannot read is left as
// it is, and the guide says why, specifically: a key protected by a
// passphrase, or something that is not a key.
func TestGuideLeavesAnUnreadableKeyAlone(t *testing.T) {
	for _, c := range []struct {
		name  string
		make  func(t *testing.T, path string)
		words []string
	}{
		{"not a key", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("notes, not a key\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"not a PEM file"}},
		{"a passphrase", func(t *testing.T, path string) {
			sshKeygen(t, "-q", "-t", "ed25519", "-N", "hunter2", "-C", "mine", "-f", path)
		}, []string{"protected by a passphrase", "only unprotected keys"}},
		{"an RSA key", func(t *testing.T, path string) {
			sshKeygen(t, "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "mine", "-f", path)
		}, []string{`"ssh-rsa"`, "only ssh-ed25519 keys"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stateDir := t.TempDir()
			path := keyPath(stateDir, "demo-app")
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			c.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a, g := guideWithKeys(t, stateDir, "demo-app")
			_, cmd := g.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
			g.Update(cmd())
			for _, w := range append([]string{path, "left alone"}, c.words...) {
				if !strings.Contains(g.err, w) {
					t.Errorf("the guide's error does not say %q:\n%s", w, g.err)
				}
			}
			if strings.Contains(g.err, "hunter2") {
				t.Errorf("the error shows the passphrase: %s", g.err)
			}
			if g.pub != "" {
				t.Errorf("a key was shown: %q", g.pub)
			}
			if after, err := os.ReadFile(path); err != nil || string(after) != string(before) {
				t.Errorf("the file there was changed (%v)", err)
			}
			a.Update(tea.WindowSizeMsg{Width: 80, Height: 80}) // the error is below the steps
			// Lines wrap anywhere (a path has no spaces): compare without them.
			v := view(a)
			for _, w := range append([]string{"The key pair could not be made: " + path}, c.words...) {
				if !strings.Contains(strings.Join(strings.Fields(v), ""), strings.ReplaceAll(w, " ", "")) {
					t.Errorf("the screen does not show %q:\n%s", w, v)
				}
			}
		})
	}
}

// A key generator that gives something other than an ed25519 key is an
// error on the screen, not a panic, and nothing is saved.
func TestGuideRefusesANonKeyFromTheGenerator(t *testing.T) {
	stateDir := t.TempDir()
	_, g := guideWithKeys(t, stateDir, "demo-app")
	g.k.deps.GenerateKey = func() (ed25519.PublicKey, ed25519.PrivateKey, error) {
		return make(ed25519.PublicKey, 32), make(ed25519.PrivateKey, 10), nil
	}
	_, cmd := g.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	g.Update(cmd())
	if !strings.Contains(g.err, "not an ed25519 private key") || g.pub != "" {
		t.Errorf("error %q, key shown %q", g.err, g.pub)
	}
	if files := filesUnder(t, stateDir); len(files) != 0 {
		t.Errorf("files were written: %v", files)
	}
}
