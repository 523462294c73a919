package store

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// After an operation met damage: confirm it with a full check, move the
// damaged file aside, put a new database in its place, tell the person.

// run is attempt, and after damage, recovery and one more try. The retry
// runs on the new, empty database: a read then finds nothing (an empty
// list, ErrNotFound), which every caller already handles, and a write (a
// new session, or a step that already ran and may have cost a real token)
// is kept instead of lost. A second failure is returned as it is, so a
// failing disk cannot make this loop.
func (s *Store) run(mode openMode, fn func(*handle) error) error {
	err := s.attempt(mode, fn)
	var met *DamageError
	if !errors.As(err, &met) {
		return err
	}
	if err := s.recoverFromDamage(met); err != nil {
		return err
	}
	return s.attempt(mode, fn)
}

// recoverFromDamage returns nil when the operation may be tried again on
// the database now at the path.
func (s *Store) recoverFromDamage(met *DamageError) error {
	s.recoverMu.Lock() // two goroutines that met the same damage move it once
	defer s.recoverMu.Unlock()
	if met.file != nil {
		if cur, err := os.Stat(s.path); err == nil && !os.SameFile(cur, met.file) {
			s.sawFile(met.file) // someone moved it already; the next opening says who
			return nil
		}
	}
	checked, reason := met.file, met.Cause
	if !met.sure {
		var err error
		if checked, reason, err = s.check(); err != nil {
			return fmt.Errorf("%w; a full check could not run either: %v", met, err)
		}
		if reason == "" {
			return fmt.Errorf("the session database %s failed unexpectedly (%s), but a full check found nothing wrong, so it was left as it is", s.path, met.Cause)
		}
	}
	if checked == nil {
		return met
	}
	aside, err := s.moveAside(checked)
	if err != nil {
		return fmt.Errorf("%w, and moving it aside failed: %v", met, err)
	}
	if aside != "" {
		s.notice(fmt.Sprintf("The session database was damaged (%s). It was moved to %s and a new, empty one was started; nothing else was removed.", reason, aside))
	}
	return nil
}

// check runs the full consistency check on the database at the path: what
// it found wrong ("" for nothing), and which file it checked. It is slow
// (it reads every page) and runs only after a failure.
func (s *Store) check() (checked os.FileInfo, reason string, err error) {
	err = s.attempt(forCheck, func(h *handle) error {
		checked = h.ident
		return h.db.View(func(tx *bolt.Tx) error {
			reason = checkTx(tx)
			return nil
		})
	})
	var met *DamageError
	if errors.As(err, &met) { // the check itself panicked or faulted: confirmed
		return met.file, met.Cause, nil
	}
	return checked, reason, err
}

// checkTx ends with bbolt's own Check. That runs in a goroutine of bbolt's
// where a fault cannot be recovered, so two passes in this goroutine come
// first and stop at any damage that would fault there: page headers (types
// and lengths inside the file), then every key and value read through.
func checkTx(tx *bolt.Tx) string {
	if r := checkPageHeaders(tx); r != "" {
		return r
	}
	readEveryRecord(tx)
	first, n := "", 0
	for err := range tx.Check() { // drained to the end: bbolt's goroutine waits on it
		if n == 0 {
			first = err.Error()
		}
		n++
	}
	if n > 1 {
		first = fmt.Sprintf("%s, and %d more problems", first, n-1)
	}
	return oneLine(first)
}

// checkPageHeaders walks the file page by page: each page that is not free
// must be a branch, leaf or freelist page whose overflow stays in the file.
func checkPageHeaders(tx *bolt.Tx) string {
	pages := int(tx.Size() / int64(tx.DB().Info().PageSize))
	for id := 2; id < pages; {
		info, err := tx.Page(id)
		if err != nil || info == nil {
			return fmt.Sprintf("page %d cannot be read: %v", id, err)
		}
		switch info.Type {
		case "free":
			id++
			continue
		case "branch", "leaf", "freelist":
		default:
			return fmt.Sprintf("page %d is of no known kind (%s)", id, info.Type)
		}
		if info.OverflowCount < 0 || info.OverflowCount >= pages-id {
			return fmt.Sprintf("page %d claims %d more pages, past the end of the file", id, info.OverflowCount)
		}
		id += info.OverflowCount + 1
	}
	return ""
}

// readEveryRecord touches every byte of every key and value in every bucket;
// damage panics or faults here, in the caller's guard.
func readEveryRecord(tx *bolt.Tx) uint32 {
	var sum uint32
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			sum = crc32.Update(sum, crc32.IEEETable, k)
			if v == nil {
				if child := b.Bucket(k); child != nil {
					walk(child)
				}
				continue
			}
			sum = crc32.Update(sum, crc32.IEEETable, v)
		}
	}
	tx.ForEach(func(_ []byte, b *bolt.Bucket) error { //nolint:errcheck // the walk returns no error
		walk(b)
		return nil
	})
	return sum
}

// moveAside puts a new database at the path and keeps the damaged one
// beside it, under the damaged file's exclusive lock so that no other
// authplay is inside it meanwhile. The path is never empty: the damaged
// file gets its second name first, then the new one replaces the first.
// It returns where the damaged file went ("" if another authplay moved it
// first: that one tells its person, and this one's next opening notices).
func (s *Store) moveAside(checked os.FileInfo) (string, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if testHookMoveLocking != nil {
		testHookMoveLocking()
	}
	if err := lockFile(f, lockTimeout); err != nil {
		return "", err
	}
	defer unlockFile(f)
	locked, err := f.Stat()
	if err != nil {
		return "", err
	}
	if cur, err := os.Stat(s.path); err != nil || !os.SameFile(locked, checked) || !os.SameFile(cur, locked) {
		s.sawFile(checked)
		return "", nil
	}
	if testHookMoveLocked != nil {
		testHookMoveLocked()
	}
	fresh, err := s.newDatabaseBeside()
	if err != nil {
		return "", fmt.Errorf("a new database could not be made: %w", err)
	}
	aside, linked, err := s.secondName()
	if err != nil {
		os.Remove(fresh)
		return "", err
	}
	if err := os.Rename(fresh, s.path); err != nil {
		if linked {
			os.Remove(aside) // the damaged file keeps its first name, as before
		} else {
			os.Rename(aside, s.path) //nolint:errcheck // best effort: the error below says what happened
		}
		os.Remove(fresh)
		return "", err
	}
	s.movedAway(checked)
	return aside, nil
}

// secondName gives the damaged file its sessions.db.damaged-<time> name: a
// hard link, or where the file system has none, a rename (then the path is
// empty until the new database replaces it).
func (s *Store) secondName() (aside string, linked bool, err error) {
	base := s.path + ".damaged-" + time.Now().Format("20060102-150405")
	for i := 1; i <= 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Link(s.path, name)
		if err == nil {
			return name, true, nil
		}
		if _, serr := os.Lstat(name); serr == nil || errors.Is(err, fs.ErrExist) {
			continue
		}
		if err := os.Rename(s.path, name); err != nil {
			return "", false, err
		}
		return name, false, nil
	}
	return "", false, fmt.Errorf("100 damaged copies named %s-* already exist", base)
}

// newDatabaseBeside makes an empty database with this version's schema in
// the state directory, under a temporary name.
func (s *Store) newDatabaseBeside() (string, error) {
	f, err := os.CreateTemp(s.dir, dbName+".new-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	db, err := bolt.Open(name, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err == nil {
		err = db.Update(initSchema)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// asideOf finds the damaged-* name a file was moved to, or "".
func (s *Store) asideOf(fi os.FileInfo) string {
	names, _ := filepath.Glob(s.path + ".damaged-*")
	for _, n := range names {
		if cur, err := os.Stat(n); err == nil && os.SameFile(cur, fi) {
			return n
		}
	}
	return ""
}
