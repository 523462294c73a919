package spacetest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A server on a fresh directory makes no grant directory at its start (it
// sits on the path to the TUI's first frame); each kind's directory comes
// with its first write, private, and reads before that see no grant.
func TestGrantDirsMadeOnFirstWrite(t *testing.T) {
	dir := t.TempDir()
	s, err := NewServer(WithDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	root := filepath.Join(dir, grantsDir)
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists after the start alone (stat: %v)", root, err)
	}
	g := s.grants.(*dirGrants)
	if on, err := g.marked(kindSpent, "tok"); on || err != nil {
		t.Fatalf("marked before any write = %v, %v", on, err)
	}
	if got, err := g.lookupRefresh("tok"); got.grant != nil || err != nil {
		t.Fatalf("lookupRefresh before any write = %+v, %v", got, err)
	}
	if first, err := g.mark(kindSpent, "tok"); !first || err != nil {
		t.Fatalf("first mark = %v, %v; want true, nil", first, err)
	}
	if first, err := g.mark(kindSpent, "tok"); first || err != nil {
		t.Fatalf("second mark = %v, %v; want false, nil", first, err)
	}
	if err := g.addRefresh("tok", refreshGrant{ClientID: "c", Sid: "s"}); err != nil {
		t.Fatal(err)
	}
	got, err := g.lookupRefresh("tok")
	if err != nil || got.grant == nil || got.grant.ClientID != "c" || !got.spent {
		t.Fatalf("lookupRefresh after the writes = %+v, %v", got, err)
	}
	for _, k := range []string{kindSpent, kindRefresh} {
		fi, err := os.Stat(filepath.Join(root, k))
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("%s: %v, mode %v; want a 0700 directory", k, err, fi.Mode())
		}
	}
}
