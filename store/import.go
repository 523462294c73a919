package store

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// Import writes sessions as they are (their IDs, times and steps) in one
// transaction, replacing any of the same ID: a history brought from
// elsewhere, or the thousands of sessions a benchmark needs, without a
// commit (and an fsync) each. A session's DPoP key is not imported.
func (s *Store) Import(sessions []Session) error {
	for _, sess := range sessions {
		if sess.ID == "" {
			return errors.New("a session to import has no ID")
		}
	}
	return s.update(func(tx *bolt.Tx) error {
		for _, sess := range sessions {
			if err := put(tx, sess); err != nil {
				return err
			}
		}
		return nil
	})
}
