package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sessionsAt are n sample sessions updated a minute apart, the last newest.
func sessionsAt(n int) []Session {
	base := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	out := make([]Session, n)
	for i := range out {
		out[i] = sampleSession(i)
		out[i].Updated = base.Add(time.Duration(i) * time.Minute)
		out[i].Profile = fmt.Sprintf("p%d", i%3)
	}
	return out
}

func ids(list []Summary) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

// Pages walk the history newest first, each from where the last ended,
// and together hold every session once, in the order List gives.
func TestPagesWalkTheHistoryNewestFirst(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(sessionsAt(25)); err != nil {
		t.Fatal(err)
	}
	var walked []Summary
	after := Summary{}
	for {
		page, err := s.Page(8, after, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
		after = page[len(page)-1]
	}
	all, err := s.List("", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(walked) != 25 || !slices.Equal(ids(walked), ids(all)) {
		t.Fatalf("pages: %v\nlist:  %v", ids(walked), ids(all))
	}
	if walked[0].ID != sampleSession(24).ID {
		t.Fatalf("the first page does not start with the newest: %s", walked[0].ID)
	}
	only, err := s.Page(3, Summary{}, func(sum Summary) bool { return sum.Profile == "p1" })
	if err != nil || len(only) != 3 || only[0].ID != sampleSession(22).ID || only[2].ID != sampleSession(16).ID {
		t.Fatalf("a profile's page: %v %v", err, ids(only))
	}
}

// A session updated again moves to the top and is listed once; a deleted
// one leaves the index.
func TestUpdateMovesASessionToTheTopOnce(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sessions := sessionsAt(5)
	if err := s.Import(sessions); err != nil {
		t.Fatal(err)
	}
	old := sessions[1]
	old.Updated = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Import([]Session{old}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(sessions[3].ID); err != nil {
		t.Fatal(err)
	}
	page, err := s.Page(10, Summary{}, nil)
	want := []string{sessions[1].ID, sessions[4].ID, sessions[2].ID, sessions[0].ID}
	if err != nil || !slices.Equal(ids(page), want) {
		t.Fatalf("%v\ngot  %v\nwant %v", err, ids(page), want)
	}
	var keys int
	s.view(func(tx *bolt.Tx) error { keys = tx.Bucket(bucketRecent).Stats().KeyN; return nil }) //nolint:errcheck
	if keys != 4 {
		t.Fatalf("the time index holds %d keys for 4 sessions", keys)
	}
}

// A store written before the time index (schema 2) opens, gets the index,
// and lists its sessions newest first.
func TestSchema2StoreGetsTheTimeIndex(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(dir+"/"+dbName, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	sessions := sessionsAt(12)
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		meta.Put(keySchema, []byte("2"))
		ss, _ := tx.CreateBucket(bucketSessions)
		idx, _ := tx.CreateBucket(bucketIndex)
		for _, sess := range sessions { // as schema 2 wrote them: no time index
			full, _ := json.Marshal(sess)
			ss.Put([]byte(sess.ID), full)
			idx.Put([]byte(sess.ID), sess.summary().encode())
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil || s.Notice != "" {
		t.Fatal(err, s.Notice)
	}
	page, err := s.Page(3, Summary{}, nil)
	want := []string{sessions[11].ID, sessions[10].ID, sessions[9].ID}
	if err != nil || !slices.Equal(ids(page), want) {
		t.Fatalf("%v\ngot  %v\nwant %v", err, ids(page), want)
	}
	if got, err := s.Get(sessions[0].ID); err != nil || got.ID != sessions[0].ID {
		t.Fatalf("an old session cannot be read: %v", err)
	}
}
