package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/authplay/authplay/flows"
)

// A session that binds its tokens with DPoP (RFC 9449) has a key pair of
// its own, and its tokens work only with proofs signed by that key: a
// public client's refresh token too. So the key is kept with the session,
// for a refresh after a restart, but not in the session's record.
//
// Why a file and not the record: the record is flows.State as JSON, and
// State is what every front door holds, prints and exports (the report,
// the TUI, a future export). Keeping the private key out of State's JSON
// (DPoPState.Key is never encoded) makes "never in a report or an export"
// a matter of structure, not of care in each place. The file is 0600 in a
// 0700 directory under the state directory, like the database; it is
// written when the session is created, read back whenever the session is
// loaded, and removed with the session.

const dpopKeysDir = "dpop-keys"

// dpopKeyPath is where session id's key lives. Session IDs are the
// store's own (a time and hex), checked again here so that a damaged
// record can never name a path outside the directory.
func (s *Store) dpopKeyPath(id string) (string, error) {
	if id == "" || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
		return "", fmt.Errorf("session ID %q cannot name a key file", id)
	}
	return filepath.Join(s.dir, dpopKeysDir, id+".pem"), nil
}

// saveDPoPKey writes the key of a new session (0600, directory 0700).
func (s *Store) saveDPoPKey(id string, k *flows.DPoPKey) error {
	path, err := s.dpopKeyPath(id)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("the DPoP key cannot be kept: %w", pathCause(err))
	}
	if err := os.Chmod(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("the DPoP key directory cannot be made private: %w", pathCause(err))
	}
	b, err := k.PrivatePEM()
	if err != nil {
		return err
	}
	if err := replacePrivate(path, b, false); err != nil {
		return fmt.Errorf("the DPoP key cannot be kept: %w", pathCause(err))
	}
	return nil
}

// loadDPoPKey gives a loaded session its key back, or says in the state
// why it cannot (a step that needs the key then explains it).
func (s *Store) loadDPoPKey(sess *Session) {
	d := sess.State.DPoP
	if d == nil {
		return
	}
	c := *d // the loaded record's own copy
	sess.State.DPoP = &c
	path, err := s.dpopKeyPath(sess.ID)
	if err != nil {
		c.KeyTrouble = err.Error()
		return
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		c.KeyTrouble = "its key file " + path + " is gone"
		return
	case err != nil:
		c.KeyTrouble = "its key file cannot be read: " + pathCause(err).Error()
		return
	}
	k, err := flows.ParseDPoPKey(b)
	switch {
	case err != nil:
		c.KeyTrouble = "its key file " + path + " is damaged: " + err.Error()
	case k.Thumbprint() != c.JKT:
		c.KeyTrouble = "its key file " + path + " holds another key than the session's"
	default:
		c.Key = k
	}
}

// deleteDPoPKey removes a deleted session's key; a missing one is fine.
func (s *Store) deleteDPoPKey(id string) error {
	path, err := s.dpopKeyPath(id)
	if err != nil {
		return nil // no file can exist for such an ID
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
