// Package pairs measures authplay against a baseline the way the README's
// Performance table reports it: the two sides run in alternation, one pair
// at a time, so a machine that gets busier (two shared cores are noisy)
// slows both alike, and the figure is the median of the pairs' ratios,
// which one slow run cannot move.
//
// It is used by the whole-process benchmarks (ui, ui/cli); .ci/bench runs
// them and fails when a median ratio is above its limit.
package pairs

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// DefaultCount is how many pairs a benchmark runs unless PAIRS says: odd,
// so the median is one pair's ratio, and at least the 20 the table needs.
const DefaultCount = 21

// Count is PAIRS from the environment, else DefaultCount.
func Count() int {
	if n, err := strconv.Atoi(os.Getenv("PAIRS")); err == nil && n > 0 {
		return n
	}
	return DefaultCount
}

// Side is one side of a pair: its name, the unit of its figure, and one
// measurement (a duration in ms, a size in MiB), which must end by the
// context's deadline.
type Side struct {
	Name    string
	Measure func(ctx context.Context) (float64, error)
}

// Result is what a run of pairs measured.
type Result struct {
	A, B   string
	Unit   string
	Values [2][]float64 // per side, in the order the pairs ran
	Ratios []float64    // A/B per pair
}

// Run measures n pairs, alternating which side goes first, and stops with
// an error at the first failed measurement or at ctx's deadline.
func Run(ctx context.Context, n int, unit string, a, b Side) (Result, error) {
	r := Result{A: a.Name, B: b.Name, Unit: unit}
	sides := [2]Side{a, b}
	for i := range n {
		var got [2]float64
		order := [2]int{0, 1}
		if i%2 == 1 {
			order = [2]int{1, 0}
		}
		for _, s := range order {
			if err := ctx.Err(); err != nil {
				return r, fmt.Errorf("%d of %d pairs done when the deadline passed: %w", i, n, err)
			}
			v, err := sides[s].Measure(ctx)
			if err != nil {
				return r, fmt.Errorf("pair %d, %s: %w", i+1, sides[s].Name, err)
			}
			if v <= 0 {
				return r, fmt.Errorf("pair %d, %s: measured %v %s, which cannot be", i+1, sides[s].Name, v, unit)
			}
			got[s] = v
		}
		r.Values[0] = append(r.Values[0], got[0])
		r.Values[1] = append(r.Values[1], got[1])
		r.Ratios = append(r.Ratios, got[0]/got[1])
	}
	return r, nil
}

// Median is the median of the pairs' ratios.
func (r Result) Median() float64 { return median(r.Ratios) }

// MedianOf is the median of one side's figures (0: A, 1: B).
func (r Result) MedianOf(side int) float64 { return median(r.Values[side]) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// String is the line .ci/bench and a person read.
func (r Result) String() string {
	return fmt.Sprintf("%s %.2f %s vs %s %.2f %s: median ratio %.2fx of %d alternated pairs",
		r.A, r.MedianOf(0), r.Unit, r.B, r.MedianOf(1), r.Unit, r.Median(), len(r.Ratios))
}

// Bench runs the pairs once per benchmark iteration, within deadline, and
// reports the last run: the median ratio as "ratio", each side's median in
// its unit. The ns/op of such a benchmark is a whole run of pairs and
// means little.
func Bench(b *testing.B, deadline time.Duration, unit string, a, c Side) {
	b.Helper()
	var last Result
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		r, err := Run(ctx, Count(), unit, a, c)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		last = r
	}
	b.ReportMetric(last.Median(), "ratio")
	b.ReportMetric(last.MedianOf(0), a.Name+"-"+unit)
	b.ReportMetric(last.MedianOf(1), c.Name+"-"+unit)
	b.Log(last)
}
