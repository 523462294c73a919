package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
)

// Sessions a script made (authplay token), and the steps that commit them.
//
// A script's run is one session that the store first sees when its first
// step commits: Begin makes it in memory and Step commits it, so getting a
// token costs one commit (an fsync or two), not a commit to create it and
// another to record the step. The commit stays synchronous: when the
// command returns, its session is in the history.
//
// Scripted sessions are listed per profile in their own bucket, oldest
// first, each with its recipe (what the script asked for, hashed by the
// caller): a new one past the profile's limit pushes the oldest out in the
// same transaction, so a cron job does not grow the store forever, and two
// scripts at once (bbolt's lock takes their commits one at a time) neither
// lose a session nor keep more than the limit.

var bucketScripted = []byte("scripted")

// ErrNotSaved is a step that ran (its token is real) but whose commit failed.
var ErrNotSaved = errors.New("the step ran but could not be saved")

// DefaultScriptedKept is how many scripted sessions a profile keeps.
const DefaultScriptedKept = 100

// Scripted says a session is a script's: its profile's list keeps Keep of
// them (at least one), and Recipe says what was asked, so that a later run
// asking the same may reuse its token.
type Scripted struct {
	Recipe string
	Keep   int
}

// Begin makes a session for a flow in its first state without writing it;
// its first Step stores it. scripted is nil for a session a person runs.
func (s *Store) Begin(profile string, st flows.State, scripted *Scripted) Session {
	now := time.Now()
	return Session{ID: newID(), Profile: profile, Method: st.Method, Created: now, Updated: now, State: st, scripted: scripted}
}

// Step runs the session's next step with its credentials and commits the
// session as it now is (the first commit of a Begun session creates it).
// A step interrupted by ctx is not recorded and leaves the session as it
// was.
func (s *Store) Step(ctx context.Context, sess *Session, creds flows.Credentials, env flows.Env, in flows.Input) (flows.Step, error) {
	m, err := flows.New(sess.State, creds)
	if err != nil {
		return flows.Step{}, err
	}
	step, stepErr := m.Next(ctx, env, in)
	if stepErr != nil && ctx.Err() != nil && step.Diagnosis == nil {
		return step, stepErr
	}
	if step.Name == "" { // nothing happened (a finished flow was asked again)
		return step, stepErr
	}
	next := *sess
	next.State = m.State()
	next.Steps = append(next.Steps[:len(next.Steps):len(next.Steps)], step)
	next.Updated = time.Now()
	err = s.commit(&next)
	*sess = next // what the step did, saved or not: the token it got is real
	if err != nil && stepErr == nil {
		return step, fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	return step, stepErr
}

// commit writes sess; the first commit of a Begun session also writes its
// DPoP key, and a scripted one's entry in its profile's list, pruning it.
func (s *Store) commit(sess *Session) error {
	first := !sess.stored
	if first && sess.State.DPoP != nil && sess.State.DPoP.Key != nil {
		if err := s.saveDPoPKey(sess.ID, sess.State.DPoP.Key); err != nil {
			return err
		}
	}
	var pruned []string
	err := s.update(func(tx *bolt.Tx) error {
		pruned = nil
		if err := put(tx, *sess); err != nil {
			return err
		}
		if !first || sess.scripted == nil {
			return nil
		}
		var err error
		pruned, err = listScripted(tx, *sess)
		return err
	})
	if err != nil {
		if first {
			s.deleteDPoPKey(sess.ID) //nolint:errcheck // the session was not made; its key goes too, if it can
		}
		return err
	}
	sess.stored = true
	for _, id := range pruned {
		s.deleteDPoPKey(id) //nolint:errcheck // a key file left behind is harmless: no session names it
	}
	return nil
}

// listScripted adds sess to its profile's scripted list and removes the
// oldest sessions past the limit; it returns their IDs.
func listScripted(tx *bolt.Tx, sess Session) ([]string, error) {
	root, err := tx.CreateBucketIfNotExists(bucketScripted)
	if err != nil {
		return nil, err
	}
	list, err := root.CreateBucketIfNotExists([]byte(sess.Profile))
	if err != nil {
		return nil, err
	}
	if err := list.Put(recentKey(Summary{ID: sess.ID, Updated: sess.Created}), []byte(sess.scripted.Recipe)); err != nil {
		return nil, err
	}
	// Counted by walking: Stats does not see this transaction's own puts.
	// The list is at most the limit and this session long.
	n := 0
	c := list.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	over := n - max(1, sess.scripted.Keep)
	var pruned []string
	for k, _ := c.First(); k != nil && over > 0; k, _ = c.First() {
		id := string(k[8:])
		if err := c.Delete(); err != nil {
			return nil, err
		}
		over--
		if err := deleteSession(tx, id); err != nil {
			return nil, err
		}
		pruned = append(pruned, id)
	}
	return pruned, nil
}

// deleteSession removes a session's record and its index entries; an ID
// already gone is no error.
func deleteSession(tx *bolt.Tx, id string) error {
	if err := tx.Bucket(bucketSessions).Delete([]byte(id)); err != nil {
		return err
	}
	idx := tx.Bucket(bucketIndex)
	if err := unindexRecent(tx, idx.Get([]byte(id))); err != nil {
		return err
	}
	return idx.Delete([]byte(id))
}

// NewestScripted is the newest session the profile's scripts made with
// recipe that holds a token; ok is false when there is none. It reads the
// profile's list (at most its limit) and one session.
func (s *Store) NewestScripted(profile, recipe string) (sess Session, ok bool, err error) {
	var id string
	err = s.view(func(tx *bolt.Tx) error {
		id = ""
		root := tx.Bucket(bucketScripted)
		if root == nil {
			return nil
		}
		list := root.Bucket([]byte(profile))
		if list == nil {
			return nil
		}
		idx := tx.Bucket(bucketIndex)
		c := list.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if len(k) <= 8 || string(v) != recipe {
				continue
			}
			if sum, ok := decodeSummary(idx.Get(k[8:])); ok && sum.Phase == flows.PhaseAuthorized {
				id = sum.ID
				return nil
			}
		}
		return nil
	})
	if err != nil || id == "" {
		return Session{}, false, err
	}
	sess, err = s.Get(id)
	if err != nil {
		return Session{}, false, err
	}
	return sess, sess.State.Token != nil, nil
}
