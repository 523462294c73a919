package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"unicode"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Every opening of the database goes through attempt, which turns what a
// damaged file does to bbolt (a panic on a page that is not what it should
// be, a fault on an address outside the memory map) into a *DamageError for
// the one operation, instead of the end of the program. Nothing is checked
// up front: a full check of 10,000 sessions would cost every start; it runs
// only after such a failure (see recover.go).

// DamageError says the session database could not be used because the file
// is damaged.
type DamageError struct {
	Path  string
	Cause string // what bbolt or the runtime said, on one line
	// sure is set when bbolt itself refused the file (its meta pages fail
	// their checksum): no further check is needed, or possible.
	sure bool
	file os.FileInfo // the file met, to tell it from a new one at the same path
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("the session database %s is damaged: %s", e.Path, e.Cause)
}

// handle is one opening of the database: bbolt's handle, and the file under
// it, kept so that a handle left half-way by a panic can give its lock back.
type handle struct {
	db    *bolt.DB
	file  *os.File
	ident os.FileInfo
}

// openFile is bbolt's OpenFile hook: it keeps the file, and refuses a path
// that is not a regular file (a directory would otherwise fail bbolt's meta
// check and look damaged).
func (h *handle) openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, errNotAFile{mode: fi.Mode()}
	}
	h.file, h.ident = f, fi
	if testHookOpened != nil {
		testHookOpened()
	}
	return f, nil
}

// Test hooks, nil outside tests: they hold this process at the points where
// another process's timing matters (the file opened but not yet locked; a
// move aside waiting for, then holding, the lock).
var testHookOpened, testHookMoveLocking, testHookMoveLocked func()

type errNotAFile struct{ mode fs.FileMode }

func (e errNotAFile) Error() string {
	kind := "not a regular file"
	if e.mode.IsDir() {
		kind = "a directory"
	}
	return "it is " + kind + ", not a database file"
}

// stillAtPath says whether the file this handle locked is still the one at
// path: another authplay may have moved a damaged database aside while this
// one waited for the lock, leaving the lock on the old file.
func (h *handle) stillAtPath(path string) bool {
	cur, err := os.Stat(path)
	return err == nil && os.SameFile(cur, h.ident)
}

// abandon gives back the lock of a handle bbolt panicked in. bbolt's own
// Close could wait forever on the writer lock of a transaction the panic
// cut short, so only the file lock and the descriptor are released; the
// memory map stays with the process (once per damaged file met).
func (h *handle) abandon() {
	if h.file == nil {
		return
	}
	unlockFile(h.file)
	h.file.Close()
}

// openMode is how attempt opens the database.
type openMode int

const (
	readWrite openMode = iota
	readOnly
	forCheck // read-only, with the freelist loaded (bbolt's Page and Check need it)
)

// attempt opens the database, runs fn with it and closes it.
func (s *Store) attempt(mode openMode, fn func(*handle) error) (err error) {
	var h handle
	defer func() {
		if r := recover(); r != nil {
			h.abandon()
			err = &DamageError{Path: s.path, Cause: oneLine(fmt.Sprint(r)), file: h.ident}
		}
	}()
	// A damaged page can send bbolt past the end of its memory map. Without
	// this the runtime ends the whole program on that fault; with it the
	// fault is a panic in this goroutine, recovered above.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	if err := s.openHandle(mode, &h); err != nil {
		return err
	}
	err = fn(&h)
	if cerr := h.db.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Store) openHandle(mode openMode, h *handle) error {
	for range 3 {
		*h = handle{}
		db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: mode != readWrite, PreLoadFreelist: mode == forCheck, OpenFile: h.openFile})
		var notFile errNotAFile
		switch {
		case err == nil:
		case errors.Is(err, berrors.ErrTimeout):
			return ErrBusy
		case errors.Is(err, fs.ErrPermission):
			// Not damage: the file is left where it is (it may not even be ours).
			return fmt.Errorf("authplay may not open the session database %s: %w; it was left as it is: give it back to this user (0600, in a 0700 directory) or set XDG_STATE_HOME to another directory", s.path, pathCause(err))
		case errors.As(err, &notFile):
			return fmt.Errorf("the session database %s cannot be used: %w; authplay leaves it as it is: move it away or set XDG_STATE_HOME to another directory", s.path, err)
		case refusedByBolt(err):
			return &DamageError{Path: s.path, Cause: oneLine(err.Error()), sure: true, file: h.ident}
		default:
			return fmt.Errorf("the session database %s cannot be opened: %w", s.path, err)
		}
		h.db = db
		if h.stillAtPath(s.path) {
			s.noticeReplaced(h.ident)
			return nil
		}
		db.Close()
	}
	return fmt.Errorf("the session database %s was replaced three times while authplay opened it; try again", s.path)
}

// pathCause drops the path from an *fs.PathError (the message names it
// already) and keeps its errno, so errors.Is(err, fs.ErrPermission) holds.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// refusedByBolt reports bbolt's own verdicts on a file whose meta pages are
// unusable: both fail their checksum, or the file is too short to hold them.
func refusedByBolt(err error) bool {
	return errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) ||
		strings.Contains(err.Error(), "file size too small") // bbolt has no sentinel for it
}

// oneLine makes what bbolt or the runtime said fit a notice: one line,
// printable, short.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}
