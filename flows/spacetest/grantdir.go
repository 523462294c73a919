package spacetest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// dirGrants keeps grants as one small file each under <dir>/grants, so that
// several servers (several authplay processes) can share one directory:
//
//	refresh/<h>.json       a refresh token's record, written once
//	spent/<h>              created once when the token is rotated away
//	revoked/<h>            every token of family h is revoked
//	refresh-revoked/<h>    the refresh tokens of family h are revoked
//	offline/<h>            user|client h already gave offline access
//
// Names are SHA-256 hashes of the token, sid or pair, so no secret is ever
// a file name and no input can name a path. Nothing is cached: a lookup
// reads the disk, so a token another process issued or revoked a moment ago
// counts at once. Records are written to a temporary file and renamed into
// place (never half a file); markers are created with O_EXCL, which is
// atomic across processes, so of two servers spending the same refresh
// token exactly one succeeds and the other sees a reuse.
//
// A rewrite of one shared file under a lock would also be safe, but every
// request would serialize on the lock and a crashed holder could wedge the
// others; flock is not portable either. Single records need neither.
type dirGrants struct {
	root string
}

const (
	grantsDir          = "grants"
	kindRefresh        = "refresh"
	kindSpent          = "spent"
	kindRevoked        = "revoked"
	kindRefreshRevoked = "refresh-revoked"
	kindOffline        = "offline"
)

// newDirGrants makes no directory: each kind's directory is made by its
// first write (inKindDir), so a server that issues nothing (a TUI shown and
// quit) creates none, and its start, on the path to the TUI's first frame,
// does no directory work. A read of a missing directory is a missing grant.
func newDirGrants(dir string) *dirGrants {
	return &dirGrants{root: filepath.Join(dir, grantsDir)}
}

// inKindDir runs write, which creates a file in kind's directory; when
// that directory does not exist yet, it is made (0700) and write runs once
// more.
func (d *dirGrants) inKindDir(kind string, write func() error) error {
	err := write()
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Join(d.root, kind), 0o700); err != nil {
		return err
	}
	return write()
}

// damagedError is a grant file that exists but cannot be read as one.
type damagedError struct {
	path string
	err  error
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("%s is damaged (%v); delete it to forget that grant", e.path, e.err)
}

func (d *dirGrants) path(kind, key string) string {
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	if kind == kindRefresh {
		name += ".json"
	}
	return filepath.Join(d.root, kind, name)
}

func (d *dirGrants) addRefresh(token string, g refreshGrant) error {
	b, err := json.Marshal(g)
	if err != nil {
		return err
	}
	path := d.path(kindRefresh, token)
	return d.inKindDir(kindRefresh, func() error { return writeFileAtomic(path, b) })
}

func (d *dirGrants) lookupRefresh(token string) (refreshLookup, error) {
	path := d.path(kindRefresh, token)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return refreshLookup{}, nil
	}
	if err != nil {
		return refreshLookup{}, err
	}
	var g refreshGrant
	if err := json.Unmarshal(b, &g); err != nil {
		return refreshLookup{}, &damagedError{path: path, err: err}
	}
	if g.Sid == "" || g.ClientID == "" {
		return refreshLookup{}, &damagedError{path: path, err: errors.New("client_id or sid is missing")}
	}
	out := refreshLookup{grant: &g}
	for _, m := range []struct {
		kind, key string
		set       *bool
	}{
		{kindSpent, token, &out.spent}, {kindRevoked, g.Sid, &out.revoked}, {kindRefreshRevoked, g.Sid, &out.revoked},
	} {
		on, err := d.marked(m.kind, m.key)
		if err != nil {
			return refreshLookup{}, err
		}
		*m.set = *m.set || on
	}
	return out, nil
}

func (d *dirGrants) spend(token string) (bool, error) { return d.mark(kindSpent, token) }

func (d *dirGrants) revokeFamily(sid string) error {
	_, err := d.mark(kindRevoked, sid)
	return err
}

func (d *dirGrants) revokeFamilyRefresh(sid string) error {
	_, err := d.mark(kindRefreshRevoked, sid)
	return err
}

func (d *dirGrants) accessRevoked(sid string) (bool, error) { return d.marked(kindRevoked, sid) }

func (d *dirGrants) markOffline(pair string) (bool, error) { return d.mark(kindOffline, pair) }

func (d *dirGrants) dropOffline(pair string) error {
	err := os.Remove(d.path(kindOffline, pair))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// mark creates a marker; first is false when it existed already.
func (d *dirGrants) mark(kind, key string) (bool, error) {
	var f *os.File
	err := d.inKindDir(kind, func() (err error) {
		f, err = os.OpenFile(d.path(kind, key), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		return err
	})
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}

// marked reports whether a marker exists. Anything but "it does not" is an
// error, so a revocation is never missed because a file could not be read.
func (d *dirGrants) marked(kind, key string) (bool, error) {
	_, err := os.Lstat(d.path(kind, key))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	default:
		return false, err
	}
}
