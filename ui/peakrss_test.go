//go:build linux

package ui_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/ui/internal/pairs"
)

// BenchmarkPairPeakRSS: the peak resident memory of a whole
// client-credentials run in the TUI (`authplay --demo --flow
// client_credentials`, enter, the token inspector, q), summed over authplay
// and every process it starts, against the bare program shown and quit.
// testdata/peakrss runs each in the pane and sums the peaks (MiB).
func BenchmarkPairPeakRSS(b *testing.B) {
	p := newBenchPane(b)
	launcher := filepath.Join(p.dir, "peakrss")
	if out, err := exec.Command("go", "build", "-o", launcher, "./testdata/peakrss").CombinedOutput(); err != nil {
		b.Fatalf("building peakrss: %v\n%s", err, out)
	}
	side := func(name string, drive func(ctx context.Context) error, argv ...string) pairs.Side {
		return pairs.Side{Name: name, Measure: func(ctx context.Context) (float64, error) {
			out := filepath.Join(p.dir, fmt.Sprintf("peak-%d", time.Now().UnixNano()))
			if err := p.start(ctx, p.freshState(), append([]string{launcher, "-o", out, "--"}, argv...)...); err != nil {
				return 0, err
			}
			if err := drive(ctx); err != nil {
				return 0, err
			}
			if _, err := p.tmux(ctx, "send-keys", "-t", "ff", "q"); err != nil {
				return 0, err
			}
			return readPeak(ctx, out)
		}}
	}
	ccRun := func(ctx context.Context) error {
		if err := p.waitFor(ctx, formText); err != nil {
			return err
		}
		if _, err := p.tmux(ctx, "send-keys", "-t", "ff", "Enter"); err != nil {
			return err
		}
		return p.waitFor(ctx, "acts for the application")
	}
	idle := func(ctx context.Context) error { return p.waitFor(ctx, bareText) }
	pairs.Bench(b, pairsDeadline, "MiB",
		side("authplay", ccRun, binary, "--demo", "--flow", "client_credentials"),
		side("bare", idle, bareBinary))
}

// readPeak waits for peakrss's figure: "KiB processes".
func readPeak(ctx context.Context, path string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, firstFrameDeadline)
	defer cancel()
	for {
		b, err := os.ReadFile(path)
		if f := strings.Fields(string(b)); err == nil && len(f) == 2 {
			kib, err := strconv.Atoi(f[0])
			if err == nil && kib == 0 {
				err = fmt.Errorf("peakrss saw no process (%q): the program ended before it looked", b)
			}
			return float64(kib) / 1024, err
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, err
		}
		if ctx.Err() != nil {
			return 0, fmt.Errorf("peakrss wrote no figure to %s within %s (did the program quit on q?)", path, firstFrameDeadline)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
