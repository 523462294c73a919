//go:build unix

// The first-frame benchmarks drive tmux and script(1) and kill process
// groups: Unix only.

package ui_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Start-to-first-frame of authplay against the bare Bubble Tea program in
// testdata/bare, measured the same way, in tmux and in a plain pty:
//
//	go test -run '^$' -bench FirstFrame -count 6 ./ui/
//
// Each round starts authplay and then the bare program, so a machine that
// gets busier during the run slows both sides alike. Each benchmark reports
// both sides' mean time to the first frame and their ratio; ns/op is one
// round, both sides together.

// firstFrameDeadline bounds one start: a program that never shows the text
// fails the benchmark instead of hanging it.
const firstFrameDeadline = 10 * time.Second

// program is one side of the comparison and the text its first frame shows.
type program struct{ name, bin, want string }

// firstFramePair is authplay and the bare program. authplay opens on the
// start screen, whose first row is the built-in server's profile (checked
// with tmux capture-pane at 80×24).
func firstFramePair(b *testing.B) [2]program {
	if binary == "" {
		b.Skip("tmux is not installed")
	}
	return [2]program{
		{"authplay", binary, "built-in server: every flow"},
		{"bare", bareBinary, "bare program ready"},
	}
}

// alternate runs start for authplay and the bare program in turn, once per
// benchmark iteration, and reports each side's mean and the ratio.
func alternate(b *testing.B, start func(program) time.Duration) {
	pair := firstFramePair(b)
	var total [2]time.Duration
	rounds := 0
	for b.Loop() {
		for i, p := range pair {
			total[i] += start(p)
		}
		rounds++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(rounds) }
	b.ReportMetric(ms(total[0]), "authplay-ms/op")
	b.ReportMetric(ms(total[1]), "bare-ms/op")
	b.ReportMetric(float64(total[0])/float64(total[1]), "authplay/bare")
}

// BenchmarkFirstFrameTmux measures, in one tmux server, the time from
// (re)starting a program in a pane to the pane showing its first frame.
func BenchmarkFirstFrameTmux(b *testing.B) {
	dir := b.TempDir()
	sock := filepath.Join(dir, "s")
	tmux := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), tmuxCommandTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	firstFramePair(b) // skips before a server is started
	os.WriteFile(filepath.Join(dir, "conf"), []byte("set -g remain-on-exit on\n"), 0o600)
	if out, err := tmux("-f", filepath.Join(dir, "conf"), "new-session", "-d", "-s", "ff", "-x", "80", "-y", "24", "-e", "LANG=C.UTF-8",
		"-e", "XDG_STATE_HOME="+filepath.Join(dir, "state"), "-e", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "-e", "DISPLAY=", "sleep 600"); err != nil {
		b.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	defer tmux("kill-server") //nolint:errcheck // the server may be gone already
	// The sides alternate, so the pane never still shows the text the next
	// start waits for.
	alternate(b, func(p program) time.Duration {
		start := time.Now()
		if out, err := tmux("respawn-pane", "-k", "-t", "ff", "--", p.bin); err != nil {
			b.Fatalf("tmux respawn-pane %s: %v\n%s", p.name, err, out)
		}
		deadline := start.Add(firstFrameDeadline)
		for {
			scr, err := tmux("capture-pane", "-p", "-t", "ff")
			if err == nil && strings.Contains(scr, p.want) {
				return time.Since(start)
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: no %q within %s; capture-pane (%v):\n%s", p.name, p.want, firstFrameDeadline, err, scr)
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// BenchmarkFirstFramePTY measures the same outside tmux, in a pty made by
// script(1), as a person in a plain terminal would see it.
func BenchmarkFirstFramePTY(b *testing.B) {
	firstFramePair(b)
	if _, err := exec.LookPath("script"); err != nil {
		b.Skip("script(1) is not installed")
	}
	state := b.TempDir()
	alternate(b, func(p program) time.Duration { return firstFrameInPTY(b, p, state) })
}

// firstFrameInPTY starts p under script(1) and reads the terminal output
// until p.want shows, then kills the whole process group.
func firstFrameInPTY(b *testing.B, p program, state string) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), firstFrameDeadline)
	defer cancel()
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer stdinW.Close() // held open until the end: the program waits for keys
	defer outR.Close()
	cmd := exec.CommandContext(ctx, "script", "-qfec", "stty cols 80 rows 24; exec '"+p.bin+"'", "/dev/null")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state, "DISPLAY=", "TMUX=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, outW, outW
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stdinR.Close()
	outW.Close()
	defer cmd.Wait()   //nolint:errcheck // killed on purpose
	defer cmd.Cancel() //nolint:errcheck // the group may have exited
	if err := outR.SetReadDeadline(start.Add(firstFrameDeadline)); err != nil {
		b.Fatal(err)
	}
	var seen []byte
	buf := make([]byte, 32<<10)
	for !strings.Contains(ansi.Strip(string(seen)), p.want) {
		n, err := outR.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil {
			b.Fatalf("%s: no %q within %s (%v); the terminal got:\n%s", p.name, p.want, firstFrameDeadline, err, ansi.Strip(string(seen)))
		}
	}
	return time.Since(start)
}
