package store

import (
	"os"
	"path/filepath"
)

// replacePrivate writes data to path through a temporary file in the same
// directory and a rename, so a reader (another authplay) meets the old file
// or the new one, never half of one; the file is 0600, in a directory made
// 0700 if missing. With keepBackup the previous file, damaged or not, is
// first kept as path.bak, so a bad write loses nothing saved. Profiles,
// settings, remembered API calls and DPoP keys are all written here.
func replacePrivate(path string, data []byte, keepBackup bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if keepBackup {
		if old, err := os.ReadFile(path); err == nil {
			if err := os.WriteFile(path+".bak", old, 0o600); err != nil {
				return err
			}
		}
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*") // 0600, a name of its own
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
