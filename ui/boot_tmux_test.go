package ui_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTUISaysWhyTheBuiltinServerCouldNotStart: the built-in server starts
// beside the TUI's own start; when it cannot (its directory is a file), the
// program ends at once with exit 1 and the reason, in the terminal it gave
// back, instead of showing a screen that cannot work.
func TestTUISaysWhyTheBuiltinServerCouldNotStart(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "authplay"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "authplay", "demo-server"), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTmuxEnv(t, 100, 30, []string{"XDG_STATE_HOME=" + home})
	s.waitFor(15*time.Second, "authplay: the built-in server could not start", "demo-server", "[exit 1]")
}
