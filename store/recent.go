package store

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// The time index: one key a session, its last update's time (big-endian
// Unix nanoseconds, so bbolt's byte order is time order) then its ID, with
// no value. The newest sessions are the index's last keys, so the start
// screen reads the handful it shows and never the whole history, which
// pages in from there when asked (Page).
//
// A key whose session was updated since (its summary names another time)
// is stale: readers skip it. put and Delete remove the old key, so one is
// left only where a summary was unreadable.

var bucketRecent = []byte("recent")

func recentKey(sum Summary) []byte {
	k := make([]byte, 8, 8+len(sum.ID))
	binary.BigEndian.PutUint64(k, uint64(sum.Updated.UnixNano()))
	return append(k, sum.ID...)
}

// indexRecent puts sum's key in the time index, replacing the key of the
// summary it replaces (old, as the index held it; nil for a new session).
func indexRecent(tx *bolt.Tx, old []byte, sum Summary) error {
	recent := tx.Bucket(bucketRecent)
	if prev, ok := decodeSummary(old); ok {
		if err := recent.Delete(recentKey(prev)); err != nil {
			return err
		}
	}
	return recent.Put(recentKey(sum), nil)
}

// unindexRecent removes the time-index key of the summary the index held.
func unindexRecent(tx *bolt.Tx, old []byte) error {
	if prev, ok := decodeSummary(old); ok {
		return tx.Bucket(bucketRecent).Delete(recentKey(prev))
	}
	return nil
}

// Page returns up to n summaries, newest first, of the sessions updated
// before after (the last summary of the page before; the zero Summary for
// the newest), that keep says to keep (nil keeps all). It reads the time
// index from its end and stops at n: what it costs does not grow with the
// history.
func (s *Store) Page(n int, after Summary, keep func(Summary) bool) ([]Summary, error) {
	var out []Summary
	err := s.view(func(tx *bolt.Tx) error {
		out = nil
		idx := tx.Bucket(bucketIndex)
		c := tx.Bucket(bucketRecent).Cursor()
		var k []byte
		if after.ID == "" {
			k, _ = c.Last()
		} else {
			from := recentKey(after)
			k, _ = c.Seek(from)
			if k == nil {
				k, _ = c.Last()
			}
			for k != nil && bytes.Compare(k, from) >= 0 {
				k, _ = c.Prev()
			}
		}
		for ; k != nil && len(out) < n; k, _ = c.Prev() {
			if len(k) <= 8 {
				continue
			}
			sum, ok := decodeSummary(idx.Get(k[8:]))
			if !ok || !bytes.Equal(recentKey(sum), k) {
				continue // an unreadable summary, or a stale key
			}
			if keep == nil || keep(sum) {
				out = append(out, sum)
			}
		}
		return nil
	})
	return out, err
}

// migrateRecent (schema 3) builds the time index of a store written before
// it existed.
func migrateRecent(tx *bolt.Tx) error {
	recent, err := tx.CreateBucketIfNotExists(bucketRecent)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketIndex).ForEach(func(_, v []byte) error {
		if sum, ok := decodeSummary(v); ok {
			return recent.Put(recentKey(sum), nil)
		}
		return nil // an unreadable summary stays out of the list, as before
	})
}
