//go:build unix

// The whole-process pairs of the README's Performance table that need a
// terminal: first frames in tmux and in a plain pty, the start screen
// with 10,000 sessions, and (peakrss_test.go) peak memory. Each runs
// authplay against its baseline in alternated pairs (internal/pairs) and
// reports the median ratio; .ci/bench runs them all:
//
//	go test -run '^$' -bench Pair -benchtime 1x ./ui/ ./ui/cli/

package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/store/storetest"
	"github.com/authplay/authplay/ui/internal/pairs"
)

// firstFrameDeadline bounds one start: a program that never shows its
// text fails the benchmark instead of hanging it.
const firstFrameDeadline = 10 * time.Second

// pairsDeadline bounds a whole run of pairs.
const pairsDeadline = 5 * time.Minute

// What each program's first frame shows once it shows its content: the
// built-in server's row on the start screen, the client ID in the form.
const (
	startScreenText = "built-in server: no account, no network"
	formText        = "demo-app"
	bareText        = "bare program ready"
)

// benchPane is one tmux server of 80×24 whose single pane is restarted
// with each program a pair runs.
type benchPane struct {
	b    *testing.B
	dir  string
	sock string
}

func newBenchPane(b *testing.B) *benchPane {
	b.Helper()
	if binary == "" {
		b.Skip("tmux is not installed")
	}
	p := &benchPane{b: b, dir: b.TempDir()}
	p.sock = filepath.Join(p.dir, "s")
	conf := filepath.Join(p.dir, "conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	if out, err := p.tmux(context.Background(), "-f", conf, "new-session", "-d", "-s", "ff", "-x", "80", "-y", "24",
		"-e", "LANG=C.UTF-8", "-e", "DISPLAY=", "-e", "BROWSER=", "sleep 600"); err != nil {
		b.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	b.Cleanup(func() { p.tmux(context.Background(), "kill-server") }) //nolint:errcheck // it may be gone
	return p
}

func (p *benchPane) tmux(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, tmuxCommandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", p.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// freshState is a new, empty state and config directory pair: a first run.
func (p *benchPane) freshState() []string {
	d, err := os.MkdirTemp(p.dir, "run")
	if err != nil {
		p.b.Fatal(err)
	}
	return stateEnv(d)
}

func stateEnv(d string) []string {
	return []string{"XDG_STATE_HOME=" + filepath.Join(d, "state"), "XDG_CONFIG_HOME=" + filepath.Join(d, "config")}
}

// start (re)starts the pane with argv and env; the program the pane ran
// before is killed.
func (p *benchPane) start(ctx context.Context, env []string, argv ...string) error {
	args := []string{"respawn-pane", "-k", "-t", "ff"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	if out, err := p.tmux(ctx, append(append(args, "--"), argv...)...); err != nil {
		return fmt.Errorf("tmux respawn-pane %s: %v\n%s", argv[0], err, out)
	}
	return nil
}

// waitFor polls the pane until it shows want, within firstFrameDeadline.
func (p *benchPane) waitFor(ctx context.Context, want string) error {
	ctx, cancel := context.WithTimeout(ctx, firstFrameDeadline)
	defer cancel()
	for {
		scr, err := p.tmux(ctx, "capture-pane", "-p", "-t", "ff")
		if err == nil && strings.Contains(scr, want) {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("no %q on screen within %s; capture-pane (%v):\n%s", want, firstFrameDeadline, err, scr)
		}
		time.Sleep(time.Millisecond)
	}
}

// firstFrame is a side that starts argv with env (made afresh each time)
// and measures, in ms, until the pane shows want.
func (p *benchPane) firstFrame(name string, env func() []string, want string, argv ...string) pairs.Side {
	return pairs.Side{Name: name, Measure: func(ctx context.Context) (float64, error) {
		e := env()
		start := time.Now()
		if err := p.start(ctx, e, argv...); err != nil {
			return 0, err
		}
		if err := p.waitFor(ctx, want); err != nil {
			return 0, err
		}
		return float64(time.Since(start)) / float64(time.Millisecond), nil
	}}
}

// BenchmarkPairFirstFrameTmux: authplay's start screen, on a first run
// (empty state directory), against the bare Bubble Tea v2 program in
// testdata/bare, from (re)starting the pane to the pane showing it.
func BenchmarkPairFirstFrameTmux(b *testing.B) {
	p := newBenchPane(b)
	pairs.Bench(b, pairsDeadline, "ms",
		p.firstFrame("authplay", p.freshState, startScreenText, binary),
		p.firstFrame("bare", p.freshState, bareText, bareBinary))
}

// BenchmarkPairFirstFrameDemoFormTmux: `authplay --demo --flow
// client_credentials` (its form, the built-in server started) against
// the bare program.
func BenchmarkPairFirstFrameDemoFormTmux(b *testing.B) {
	p := newBenchPane(b)
	pairs.Bench(b, pairsDeadline, "ms",
		p.firstFrame("authplay", p.freshState, formText, binary, "--demo", "--flow", "client_credentials"),
		p.firstFrame("bare", p.freshState, bareText, bareBinary))
}

// BenchmarkPairStart10000Sessions: the start screen showing its recent
// sessions, with 10,000 sessions stored against with none: the time to
// the newest session's row (to "none yet" for the empty store).
func BenchmarkPairStart10000Sessions(b *testing.B) {
	p := newBenchPane(b)
	full, empty := b.TempDir(), b.TempDir()
	if err := storetest.Fill(filepath.Join(full, "state", "authplay"), 10_000, "newest-of-10000"); err != nil {
		b.Fatal(err)
	}
	same := func(d string) func() []string { return func() []string { return stateEnv(d) } }
	with := p.firstFrame("10000", same(full), "newest-of-10000", binary)
	without := p.firstFrame("none", same(empty), "none yet", binary)
	// One start each first: the built-in server's key and port are made
	// on a first run, and this row is about the sessions.
	for _, s := range []pairs.Side{with, without} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := s.Measure(ctx)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
	}
	pairs.Bench(b, pairsDeadline, "ms", with, without)
}

// BenchmarkPairFirstFramePTY: the start screen in a plain pty made by
// script(1), as a person in a plain terminal sees it, against the bare
// program there.
func BenchmarkPairFirstFramePTY(b *testing.B) {
	if binary == "" {
		b.Skip("authplay was not built (tmux is not installed)")
	}
	if _, err := exec.LookPath("script"); err != nil {
		b.Skip("script(1) is not installed")
	}
	dir := b.TempDir()
	side := func(name, bin, want string) pairs.Side {
		return pairs.Side{Name: name, Measure: func(ctx context.Context) (float64, error) {
			d, err := os.MkdirTemp(dir, "run")
			if err != nil {
				return 0, err
			}
			return firstFrameInPTY(ctx, bin, want, stateEnv(d))
		}}
	}
	pairs.Bench(b, pairsDeadline, "ms", side("authplay", binary, startScreenText), side("bare", bareBinary, bareText))
}

// firstFrameInPTY starts bin under script(1), reads the terminal output
// until want shows, then kills the whole process group; ms.
func firstFrameInPTY(ctx context.Context, bin, want string, env []string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, firstFrameDeadline)
	defer cancel()
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer stdinW.Close() // held open until the end: the program waits for keys
	defer outR.Close()
	cmd := exec.CommandContext(ctx, "script", "-qfec", "stty cols 80 rows 24; exec '"+bin+"'", "/dev/null")
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color", "DISPLAY=", "TMUX="), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, outW, outW
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	stdinR.Close()
	outW.Close()
	defer cmd.Wait()   //nolint:errcheck // killed on purpose
	defer cmd.Cancel() //nolint:errcheck // the group may have exited
	if err := outR.SetReadDeadline(start.Add(firstFrameDeadline)); err != nil {
		return 0, err
	}
	var seen []byte
	buf := make([]byte, 32<<10)
	for !strings.Contains(ansi.Strip(string(seen)), want) {
		n, err := outR.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil {
			return 0, fmt.Errorf("no %q within %s (%v); the terminal got:\n%s", want, firstFrameDeadline, err, ansi.Strip(string(seen)))
		}
	}
	return float64(time.Since(start)) / float64(time.Millisecond), nil
}
