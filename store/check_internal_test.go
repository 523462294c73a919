package store

import (
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
)

// A panic the full check does not confirm (here: one of our own) fails the
// operation and leaves the database where it is.
func TestUnconfirmedPanicLeavesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = s.view(func(*bolt.Tx) error { panic("not the database's fault") })
	if err == nil || !strings.Contains(err.Error(), "found nothing wrong") {
		t.Fatalf("%v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.damaged-*")); len(m) != 0 || len(s.Notices()) != 0 {
		t.Fatalf("a healthy database was moved aside: %v", m)
	}
	if _, err := s.List("", ""); err != nil {
		t.Fatal(err)
	}
}

// The full check passes a healthy database of many sessions, with values
// spanning several pages and pages freed by deletes: it must never send a
// healthy file aside.
func TestFullCheckPassesAHealthyDatabase(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		for i := range 3000 {
			sess := sampleSession(i)
			if i%100 == 0 { // a long run: its record spans several pages
				sess.Steps = append(sess.Steps, flows.Step{Name: "big", WhatHappened: strings.Repeat("x", 40_000)})
			}
			if err := put(tx, sess); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i += 300 { // deletes in a few commits, as a person's would be spread
		err := s.update(func(tx *bolt.Tx) error {
			for j := i; j < i+300; j += 3 {
				if err := tx.Bucket(bucketSessions).Delete([]byte(sampleSession(j).ID)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	checked, reason, err := s.check()
	if err != nil || checked == nil || reason != "" {
		t.Fatalf("a healthy database: %q, %v", reason, err)
	}
}
