//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
)

var faultSink byte

// A read past the end of a memory-mapped file is a SIGBUS: what bbolt does
// when a damaged page sends it beyond the file. Without SetPanicOnFault the
// runtime ends the whole test binary here.
func TestGuardTurnsAMemoryFaultIntoDamage(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte{1}, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(short)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page := os.Getpagesize()
	mem, err := syscall.Mmap(int(f.Fd()), 0, 2*page, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)

	err = s.attempt(readOnly, func(h *handle) error {
		return h.db.View(func(*bolt.Tx) error {
			faultSink = mem[page] // the second page has no file behind it
			return nil
		})
	})
	var met *DamageError
	if !errors.As(err, &met) || met.file == nil {
		t.Fatalf("want a DamageError naming the file met, got %v", err)
	}
	// The handle the fault left open gave its lock back: a writer, which
	// needs the exclusive lock, gets it at once instead of timing out.
	start := time.Now()
	if _, err := s.Create("after-fault", flows.Start(flows.ClientCredentials, flows.Params{})); err != nil {
		t.Fatalf("Create after the fault: %v", err)
	}
	if d := time.Since(start); d > lockTimeout/2 {
		t.Errorf("Create waited %s for the lock a faulted read held", d)
	}
}
