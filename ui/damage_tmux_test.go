package ui_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/store/storetest"
)

// The TUI on a damaged session database: it starts, the start screen says
// where the damaged file went, and q ends it normally. Damage met at the
// opening (every data page) and later, at the first read of the session
// list (the bucket list spared).
func TestTUIStartsOnADamagedDatabaseInTmux(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage storetest.Damage
	}{
		{"every-page", storetest.Damage{Seed: 11}},
		{"inside-the-buckets", storetest.Damage{Seed: 12, SpareRoot: true}},
		{"inside-the-buckets-bodies", storetest.Damage{Seed: 13, SpareRoot: true, KeepHeaders: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			db, err := storetest.DamagedStateDir(filepath.Join(home, "authplay"), 150, c.damage)
			if err != nil {
				t.Fatal(err)
			}
			s := startTmuxEnv(t, 160, 40, []string{"XDG_STATE_HOME=" + home})
			scr := s.waitFor(15*time.Second, "Profiles", "Recent sessions", "sessions.db.damaged-")
			moved, _ := filepath.Glob(db + ".damaged-*")
			unwrapped := regexp.MustCompile(`\n\s*`).ReplaceAllString(scr, "") // the path may wrap
			if len(moved) != 1 || !strings.Contains(unwrapped, moved[0]) {
				t.Fatalf("moved aside: %v; the screen does not say where:\n%s", moved, scr)
			}
			if !strings.Contains(scr, "none yet") {
				t.Errorf("the start screen does not show the new, empty history:\n%s", scr)
			}
			s.keys("q")
			s.waitFor(10*time.Second, "[exit 0]")
			if _, err := os.Stat(db); err != nil {
				t.Errorf("no new database at %s: %v", db, err)
			}
		})
	}
}
