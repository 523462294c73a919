package store

import (
	"os"
	"path/filepath"
)

// CreatePrivate writes a new file only its owner can read (0600), in a
// directory only its owner can enter (0700), made if missing. It never
// replaces a file: when one is there it fails with an error that
// errors.Is(err, fs.ErrExist) matches, so a generated key already
// registered somewhere is never lost to a second one.
func CreatePrivate(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path) // a half-written key is no key
		return err
	}
	return f.Close()
}
