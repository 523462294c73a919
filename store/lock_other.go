//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"os"
	"time"
)

// Where flock is missing (Windows), a file another process has open cannot
// be renamed, so moving a damaged database aside fails instead of pulling
// it from under that process; no lock of our own is needed.
func lockFile(*os.File, time.Duration) error { return nil }

func unlockFile(*os.File) {}
