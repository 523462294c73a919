//go:build linux

// peakrss runs a program and writes the peak resident memory of it and of
// every process it starts, summed (KiB), to a file: the figure of the
// README's peak-RSS row (ui BenchmarkPairPeakRSS). It runs in the tmux
// pane in the program's place, so the program has its terminal.
//
//	peakrss -o FILE -- PROGRAM [ARG...]
//
// Every millisecond it walks the program's process tree through /proc and
// keeps each process's high-water mark (VmHWM, which only grows): a
// process's peak counts even if its memory has fallen since, and a child
// that lives a few milliseconds (tmux info, say) is still seen.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	out := flag.String("o", "", "write the summed peak (KiB) and the number of processes to this file")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss -o FILE -- PROGRAM [ARG...]")
		os.Exit(2)
	}
	// ctrl+c is the program's to handle; caught here (not ignored, which
	// the program would inherit) so the figure is still written.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	peaks := map[int]int{} // pid → its high-water mark, KiB
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		walk(cmd.Process.Pid, peaks)
		select {
		case err := <-done:
			// The kernel's own count of the program's peak (with its
			// largest child's), for a program that ended between looks.
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peaks[cmd.Process.Pid] = max(peaks[cmd.Process.Pid], int(ru.Maxrss))
			}
			sum := 0
			for _, kib := range peaks {
				sum += kib
			}
			if werr := os.WriteFile(*out, fmt.Appendf(nil, "%d %d\n", sum, len(peaks)), 0o600); werr != nil {
				fmt.Fprintln(os.Stderr, "peakrss:", werr)
				os.Exit(1)
			}
			if err != nil {
				os.Exit(1)
			}
			return
		case <-tick.C:
		}
	}
}

// walk records the high-water mark of root and of its descendants, found
// by their parent links in /proc/PID/stat (not every kernel has
// /proc/PID/task/TID/children).
func walk(root int, peaks map[int]int) {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // it exited meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
		f := strings.Fields(s[end+1:])
		if err != nil || len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var visit func(int)
	visit = func(pid int) {
		if kib, ok := highWater(pid); ok {
			peaks[pid] = max(peaks[pid], kib)
		}
		for _, c := range children[pid] {
			visit(c)
		}
	}
	visit(root)
}

// highWater is VmHWM from /proc/PID/status, in KiB.
func highWater(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n, err == nil
		}
	}
	return 0, false
}
