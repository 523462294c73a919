package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// writeSchema makes a database as an older (or newer) authplay left it.
func writeSchema(t *testing.T, dir string, version int, sessions ...Session) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, dbName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		meta.Put(keySchema, []byte(strconv.Itoa(version)))
		ss, _ := tx.CreateBucket(bucketSessions)
		idx, _ := tx.CreateBucket(bucketIndex)
		for _, s := range sessions {
			full, _ := json.Marshal(s)
			sum, _ := json.Marshal(s.summary()) // schema 1 kept JSON summaries
			ss.Put([]byte(s.ID), full)
			idx.Put([]byte(s.ID), sum)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationFromSchema1(t *testing.T) {
	dir := t.TempDir()
	old := sampleSession(7)
	old.Profile = "with\ttab"
	writeSchema(t, dir, 1, old)
	s, err := Open(dir)
	if err != nil || s.Notice != "" {
		t.Fatal(err, s.Notice)
	}
	list, err := s.List("", "")
	if err != nil || len(list) != 1 || list[0].ID != old.ID || list[0].Steps != 3 || list[0].Profile != "with tab" {
		t.Fatalf("%v %+v", err, list)
	}
}

func TestNewerSchemaIsRefusedAndKept(t *testing.T) {
	dir := t.TempDir()
	writeSchema(t, dir, 9, sampleSession(1))
	before, _ := os.ReadFile(filepath.Join(dir, dbName))
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "newer authplay") {
		t.Fatalf("%v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, dbName))
	if string(before) != string(after) {
		t.Error("a newer database was changed")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.damaged-*")); len(m) != 0 {
		t.Error("a newer database was moved aside as damaged")
	}
}
