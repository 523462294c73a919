package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// The TUI's store is not opened (no database made, nothing synced) until a
// command first uses it; then it is a real store on disk.
func TestLazySessionsOpenOnFirstUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "authplay")
	l := newLazySessions(dir)
	if _, err := os.Stat(filepath.Join(dir, "sessions.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database exists before any use (stat: %v)", err)
	}
	list, err := l.Page(8, store.Summary{}, nil)
	if err != nil || len(list) != 0 {
		t.Fatalf("Page on a first run = %v, %v; want no sessions, no error", list, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sessions.db")); err != nil {
		t.Fatalf("the first use made no database: %v", err)
	}
	s, err := l.Create("p", flows.State{Method: flows.ClientCredentials})
	if err != nil {
		t.Fatal(err)
	}
	// Another opening of the same directory sees what the lazy one wrote.
	other, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := other.Get(s.ID); err != nil || got.ID != s.ID {
		t.Fatalf("Get(%s) through another store = %v, %v", s.ID, got.ID, err)
	}
}

// A store that cannot open says why on each use, and the next use tries
// again: once the directory is repaired, the store works.
func TestLazySessionsRetryAfterFailedOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "authplay")
	db := filepath.Join(dir, "sessions.db")
	if err := os.MkdirAll(db, 0o700); err != nil { // a directory where the database goes
		t.Fatal(err)
	}
	l := newLazySessions(dir)
	if _, err := l.Page(8, store.Summary{}, nil); err == nil || !strings.Contains(err.Error(), "session store could not be opened") {
		t.Fatalf("Page with a directory as database: err = %v; want the store's error", err)
	}
	if n := l.Notices(); n != nil {
		t.Fatalf("Notices of a store that did not open = %q", n)
	}
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Page(8, store.Summary{}, nil); err != nil {
		t.Fatalf("Page after the repair: %v", err)
	}
}
