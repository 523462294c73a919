// Package store keeps sessions (a flow's state and every step it took) in a
// bbolt database, and drives each session's state machine: Advance runs one
// step outside any transaction, then commits the new state and the step
// record in one short transaction.
//
// The database is opened per operation with a short lock timeout, so two
// running authplays share it: bbolt's file lock is exclusive, and holding it
// for a whole TUI session would make the second one hang.
//
// Credentials have one owner, and it is not the store: whoever drives a
// session (the TUI's run of it, a script) holds its client secret and
// password in memory and hands them to each Advance. Nothing here keeps
// them, so nothing here can write them down; a session resumed after a
// restart has none until the person gives them again.
//
// A session's DPoP key is not a credential a person gives but the
// session's own, and its tokens are bound to it, so the store keeps it:
// in a 0600 file of its own, never in the record (dpopkey.go says why).
package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
)

const (
	dbName        = "sessions.db"
	schemaVersion = 3
	lockTimeout   = 2 * time.Second
)

var (
	bucketMeta     = []byte("meta")
	bucketSessions = []byte("sessions")
	bucketIndex    = []byte("index")
	keySchema      = []byte("schema")
)

// ErrNotFound is returned for an unknown session ID.
var ErrNotFound = errors.New("no such session")

// ErrBusy means another authplay held the database for longer than the lock timeout.
var ErrBusy = errors.New("the session database is busy: another authplay is writing to it; try again")

// Session is one run of one flow.
type Session struct {
	ID      string       `json:"id"`
	Profile string       `json:"profile"`
	Method  flows.Method `json:"method"`
	Created time.Time    `json:"created"`
	Updated time.Time    `json:"updated"`
	State   flows.State  `json:"state"`
	Steps   []flows.Step `json:"steps"`

	stored   bool      // read from, or written to, the store: its next commit is not its first
	scripted *Scripted // a script's session not yet stored (Begin)
}

// Store is the session store in a state directory.
type Store struct {
	dir  string
	path string
	// Notice says what happened at Open that a person should know (a damaged
	// database moved aside). Notices returns it too, with what happened since.
	Notice string

	recoverMu sync.Mutex // one recovery from damage at a time
	callsMu   sync.Mutex // one writer of calls.json at a time in this process
	noticeMu  sync.Mutex // guards the three below
	notices   []string
	known     os.FileInfo   // the database file used last
	moved     []os.FileInfo // files this store moved aside
}

// DefaultDir is $XDG_STATE_HOME/authplay, or ~/.local/state/authplay.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "authplay"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a state directory: %w (set XDG_STATE_HOME)", err)
	}
	return filepath.Join(home, ".local", "state", "authplay"), nil
}

// Open prepares the store in dir (0700), creating or migrating the database.
// A damaged database is moved aside and a fresh one started; Notice then
// names where the old one went. A database authplay may not open is
// reported, never moved.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("the state directory %s cannot be made private to this user (%w); set XDG_STATE_HOME to a directory of your own", dir, pathCause(err))
	}
	s := &Store{dir: dir, path: filepath.Join(dir, dbName)}
	// The common case reads and does not write: no fsync before the first frame.
	if !s.schemaCurrent() {
		if err := s.update(initSchema); err != nil {
			return nil, err
		}
	}
	s.Notice = strings.Join(s.pendingNotices(), " ")
	return s, nil
}

// schemaCurrent reads, without writing, whether the database exists and
// already has this version's schema.
func (s *Store) schemaCurrent() bool {
	current := false
	err := s.view(func(tx *bolt.Tx) error {
		current = false
		meta := tx.Bucket(bucketMeta)
		if meta == nil || tx.Bucket(bucketSessions) == nil || tx.Bucket(bucketIndex) == nil || tx.Bucket(bucketRecent) == nil {
			return nil
		}
		current = string(meta.Get(keySchema)) == fmt.Sprint(schemaVersion)
		return nil
	})
	return err == nil && current
}

var errNewerSchema = errors.New("the session database was written by a newer authplay")

func initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	v := 0
	if raw := meta.Get(keySchema); raw != nil {
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("schema version is unreadable: %w", err)
		}
	}
	if v > schemaVersion {
		return fmt.Errorf("%w (schema %d; this one knows up to %d): upgrade authplay, or point it at another state directory", errNewerSchema, v, schemaVersion)
	}
	for _, migrate := range migrations[v:] {
		if err := migrate(tx); err != nil {
			return err
		}
	}
	return meta.Put(keySchema, []byte(fmt.Sprint(schemaVersion)))
}

// migrations[i] brings schema i to i+1.
var migrations = []func(*bolt.Tx) error{
	func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSessions, bucketIndex} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	// 2: the index holds compact lines instead of JSON; rebuild it.
	func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketIndex); err != nil {
			return err
		}
		idx, err := tx.CreateBucket(bucketIndex)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var sess Session
			if json.Unmarshal(v, &sess) != nil {
				return nil // an unreadable record stays out of the list but stays stored
			}
			return idx.Put(k, sess.summary().encode())
		})
	},
	// 3: the time index, so the newest sessions are read without the rest.
	migrateRecent,
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	return s.run(readWrite, func(h *handle) error { return h.db.Update(fn) })
}

// view runs fn in a read-only transaction. A retry after damage runs fn
// again, so fn starts its results afresh.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.run(readOnly, func(h *handle) error { return h.db.View(fn) })
}

func newID() string {
	b := make([]byte, 6)
	rand.Read(b) //nolint:errcheck
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// Create starts a session for a flow in its first state. It takes no
// credential: the store never holds one.
func (s *Store) Create(profile string, st flows.State) (Session, error) {
	now := time.Now()
	sess := Session{ID: newID(), Profile: profile, Method: st.Method, Created: now, Updated: now, State: st}
	if st.DPoP != nil && st.DPoP.Key != nil {
		if err := s.saveDPoPKey(sess.ID, st.DPoP.Key); err != nil {
			return Session{}, err
		}
	}
	if err := s.update(func(tx *bolt.Tx) error { return put(tx, sess) }); err != nil {
		s.deleteDPoPKey(sess.ID) //nolint:errcheck // the session was not made; its key goes too, if it can
		return Session{}, err
	}
	sess.stored = true
	return sess, nil
}

func put(tx *bolt.Tx, sess Session) error {
	full, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketSessions).Put([]byte(sess.ID), full); err != nil {
		return err
	}
	idx, sum := tx.Bucket(bucketIndex), sess.summary()
	if err := indexRecent(tx, idx.Get([]byte(sess.ID)), sum); err != nil {
		return err
	}
	return idx.Put([]byte(sess.ID), sum.encode())
}

// Get loads a session.
func (s *Store) Get(id string) (Session, error) {
	var sess Session
	err := s.view(func(tx *bolt.Tx) error {
		sess = Session{}
		raw := tx.Bucket(bucketSessions).Get([]byte(id))
		if raw == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(raw, &sess); err != nil {
			return fmt.Errorf("session %s cannot be read, its record is damaged (%s); the other sessions are not affected, and deleting it removes it", id, oneLine(err.Error()))
		}
		return nil
	})
	if err == nil {
		s.loadDPoPKey(&sess)
		sess.stored = true
	}
	return sess, err
}

// List returns summaries, newest first, optionally for one profile and
// matching a search word (method, phase, profile or ID).
func (s *Store) List(profile, search string) ([]Summary, error) {
	var out []Summary
	search = strings.ToLower(search)
	err := s.view(func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bucketIndex).ForEach(func(_, v []byte) error {
			sum, ok := decodeSummary(v)
			if !ok {
				return nil // one bad record must not hide the rest
			}
			if profile != "" && sum.Profile != profile {
				return nil
			}
			if search != "" && !strings.Contains(strings.ToLower(sum.ID+" "+string(sum.Method)+" "+string(sum.Phase)+" "+sum.Profile), search) {
				return nil
			}
			out = append(out, sum)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Updated.After(out[j].Updated) })
	return out, err
}

// Delete removes a session, and its DPoP key if it has one.
func (s *Store) Delete(id string) error {
	err := s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSessions).Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return deleteSession(tx, id)
	})
	if err != nil {
		return err
	}
	if err := s.deleteDPoPKey(id); err != nil {
		return fmt.Errorf("the session is deleted, but its DPoP key file could not be removed: %w", pathCause(err))
	}
	return nil
}

// Advance runs the session's next step with its credentials and commits
// what changed. The credentials come from whoever drives the session (the
// TUI's run, a script), who keeps them in memory; they are used for this
// step and never written. The step runs outside any transaction: it may
// wait minutes for a browser. A step interrupted by ctx is not recorded and
// leaves the session as it was.
func (s *Store) Advance(ctx context.Context, id string, creds flows.Credentials, env flows.Env, in flows.Input) (Session, flows.Step, error) {
	sess, err := s.Get(id)
	if err != nil {
		return Session{}, flows.Step{}, err
	}
	step, err := s.Step(ctx, &sess, creds, env, in)
	return sess, step, err
}

// Dir is the state directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// WriteReport saves the session's Markdown report under Dir()/reports and
// returns its path (0600 in a 0700 directory).
func (s *Store) WriteReport(id string) (string, error) {
	sess, err := s.Get(id)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(s.dir, "reports")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "authplay-"+id+".md")
	return path, os.WriteFile(path, []byte(sess.Report()), 0o600)
}

// PrepareEncoding builds encoding/json's encoders for a session: a
// session's types are many, and the first commit in a process would
// otherwise build them while it holds the database (about a millisecond
// on a cold process, a tenth of an `authplay token` run). A command with
// idle time before its first commit, such as the wait for a server's
// answer, calls it then. Safe beside commits: the encoders are built once,
// whoever asks first.
func PrepareEncoding() {
	json.Marshal(Session{}) //nolint:errcheck // only the encoders are wanted; a zero session always encodes
}
