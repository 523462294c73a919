package ui_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
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
			if out, err := exec.Command("go", "build", "-o", binary, "github.com/authplay/authplay").CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "building authplay: %v\n%s", err, out)
				return 1
			}
			bareBinary = filepath.Join(dir, "bare")
			if out, err := exec.Command("go", "build", "-o", bareBinary, "./testdata/bare").CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "building the bare program: %v\n%s", err, out)
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

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil && args[0] != "kill-server" {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
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
		s.waitFor(10*time.Second, "approve as demo user")
		s.keys("a")
	}
	return s.waitFor(20*time.Second, "Access token", "acts for")
}

// firstFrame measures, in one tmux server, the time from (re)starting a
// program in a pane to the pane showing want. authplay and the bare Bubble
// Tea program are measured the same way:
//
//	go test -run '^$' -bench FirstFrame -count 6 ./ui/
func firstFrame(b *testing.B, want string, argv ...string) {
	if binary == "" {
		b.Skip("tmux is not installed")
	}
	dir := b.TempDir()
	sock := filepath.Join(dir, "s")
	tmux := func(args ...string) string {
		out, _ := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out)
	}
	os.WriteFile(filepath.Join(dir, "conf"), []byte("set -g remain-on-exit on\n"), 0o600)
	tmux("-f", filepath.Join(dir, "conf"), "new-session", "-d", "-s", "ff", "-x", "80", "-y", "24", "-e", "LANG=C.UTF-8",
		"-e", "XDG_STATE_HOME="+filepath.Join(dir, "state"), "-e", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "-e", "DISPLAY=", "sleep 600")
	defer tmux("kill-server")
	for b.Loop() {
		args := append([]string{"respawn-pane", "-k", "-t", "ff", "--"}, argv...)
		tmux(args...)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(tmux("capture-pane", "-p", "-t", "ff"), want) {
			if time.Now().After(deadline) {
				b.Fatalf("no %q within 10 s", want)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func BenchmarkFirstFrameAuthplay(b *testing.B) { firstFrame(b, "Pick a flow", binary) }

func BenchmarkFirstFrameBareBubbleTea(b *testing.B) {
	firstFrame(b, "bare program ready", bareBinary)
}

// firstFramePTY measures the same start-to-first-frame outside tmux, in a
// pty made by script(1), as a person in a plain terminal would see it.
func firstFramePTY(b *testing.B, want, bin string) {
	if binary == "" {
		b.Skip("tmux is not installed")
	}
	if _, err := exec.LookPath("script"); err != nil {
		b.Skip("script(1) is not installed")
	}
	state := b.TempDir()
	for b.Loop() {
		cmd := exec.Command("script", "-qfec", "stty cols 80 rows 24; exec "+bin, "/dev/null")
		cmd.Env = append(os.Environ(), "TERM=xterm-256color", "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state, "DISPLAY=", "TMUX=")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		stdin, _ := cmd.StdinPipe() // held open: the program waits for keys
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var seen []byte
		buf := make([]byte, 32<<10)
		for !strings.Contains(ansi.Strip(string(seen)), want) {
			n, err := out.Read(buf)
			if err != nil {
				b.Fatalf("no %q before %v", want, err)
			}
			seen = append(seen, buf[:n]...)
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		stdin.Close()
		cmd.Wait()
	}
}

func BenchmarkFirstFramePTYAuthplay(b *testing.B) { firstFramePTY(b, "Pick a flow", binary) }

func BenchmarkFirstFramePTYBareBubbleTea(b *testing.B) {
	firstFramePTY(b, "bare program ready", bareBinary)
}
