package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/ui/internal/pairs"
)

// The real binary, driven in tmux with the keys a person would press.

var binary, bareBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "authplay-ui")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if _, err := exec.LookPath("tmux"); err == nil {
			binary = filepath.Join(dir, "authplay")
			// Built as a release is: the benchmarks' figures are the
			// downloaded binary's (pairs.ReleaseBuild).
			if err := pairs.Build(binary, "github.com/authplay/authplay"); err != nil {
				fmt.Fprintln(os.Stderr, "building authplay:", err)
				return 1
			}
			bareBinary = filepath.Join(dir, "bare")
			if err := pairs.Build(bareBinary, "./testdata/bare"); err != nil {
				fmt.Fprintln(os.Stderr, "building the bare program:", err)
				return 1
			}
		}
		defer stopXvfb()
		return m.Run()
	}()
	os.Exit(code)
}

type tmuxSession struct {
	t    *testing.T
	sock string
	name string
}

// startTmux runs authplay with args in a private tmux server of w×h.
func startTmux(t *testing.T, w, h int, args ...string) *tmuxSession {
	t.Helper()
	return startTmuxEnv(t, w, h, nil, args...)
}

// startTmuxEnv is startTmux with extra environment for the program.
func startTmuxEnv(t *testing.T, w, h int, env []string, args ...string) *tmuxSession {
	t.Helper()
	if binary == "" {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("tmux is not installed, and AUTHPLAY_E2E=1 requires it")
		}
		t.Skip("tmux is not installed; skipping the terminal journey (set AUTHPLAY_E2E=1 to make this a failure)")
	}
	dir, err := os.MkdirTemp("", "ap")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	conf := filepath.Join(dir, "tmux.conf")
	os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g set-clipboard on\n"), 0o600)
	s := &tmuxSession{t: t, sock: filepath.Join(dir, "s"), name: "ap"}
	state := filepath.Join(dir, "state")
	cmdline := `"$0" "$@"; echo "[exit $?]"`
	full := []string{"-f", conf, "new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"-e", "LANG=C.UTF-8", "-e", "XDG_STATE_HOME=" + state, "-e", "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "-e", "BROWSER="}
	if !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "DISPLAY=") }) {
		full = append(full, "-e", "DISPLAY=")
	}
	for _, e := range env {
		full = append(full, "-e", e)
	}
	full = append(append(full, "--", "sh", "-c", cmdline, binary), args...)
	s.tmux(full...)
	t.Cleanup(func() { s.tmux("kill-server") })
	return s
}

// tmuxCommandTimeout bounds one tmux client call: each returns at once
// unless the server is stuck, and then the test fails instead of hanging.
const tmuxCommandTimeout = 10 * time.Second

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := s.try(args...)
	if err != nil && args[0] != "kill-server" {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return out
}

// try runs one tmux command and returns its error instead of failing.
func (s *tmuxSession) try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxCommandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	return string(out), err
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-S", "-", "-t", s.name) }

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// waitFor polls the screen until every text shows, or fails with the screen.
func (s *tmuxSession) waitFor(timeout time.Duration, texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		scr := s.screen()
		missing := ""
		for _, want := range texts {
			if !strings.Contains(scr, want) {
				missing = want
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for %q; the screen shows:\n%s", timeout, missing, scr)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// waitForBuffer polls tmux's paste buffer until it holds want, or fails.
// An OSC 52 copy reaches tmux on its own: the status line saying "copied"
// can be on screen before it, and until it arrives tmux answers "no
// buffers", which only means not yet.
func (s *tmuxSession) waitForBuffer(timeout time.Duration, want string) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := s.try("show-buffer")
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for the paste buffer to hold %q; show-buffer: %q (%v)", timeout, want, got, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// pick moves down the flow list n times and chooses.
func (s *tmuxSession) pick(n int) {
	for range n {
		s.keys("Down")
	}
	s.keys("Enter")
}

// runToToken runs the open form's flow to the token inspector; browser and
// device flows are approved with the demo shortcut, as the help bar offers.
func (s *tmuxSession) runToToken(approve bool) string {
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	if approve {
		s.waitFor(10*time.Second, "approve (demo)")
		s.keys("a")
	}
	return s.waitFor(20*time.Second, "Access token", "acts for")
}
