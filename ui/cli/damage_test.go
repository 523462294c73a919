package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/store/storetest"
)

// damagedStateHome makes an XDG_STATE_HOME whose session database holds
// sessions and then random bytes over its data pages, beside another file.
func damagedStateHome(t *testing.T, d storetest.Damage) (home, db string) {
	t.Helper()
	home = t.TempDir()
	db, err := storetest.DamagedStateDir(filepath.Join(home, "authplay"), 150, d)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(home, "authplay", "keep.txt"), []byte("not the database"), 0o600)
	return home, db
}

// `authplay token` on a damaged database: the token on stdout, exit 0, and
// on stderr where the damaged file went. Damage met at the opening (every
// data page) and later, at the first write (the bucket list spared).
func TestTokenOnADamagedDatabase(t *testing.T) {
	srv := spacetest.Start(t)
	for _, c := range []struct {
		name   string
		damage storetest.Damage
	}{
		{"every-page", storetest.Damage{Seed: 1}},
		{"every-page-body", storetest.Damage{Seed: 2, KeepHeaders: true}},
		{"inside-the-buckets", storetest.Damage{Seed: 3, SpareRoot: true}},
		{"inside-the-buckets-bodies", storetest.Damage{Seed: 4, SpareRoot: true, KeepHeaders: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			home, db := damagedStateHome(t, c.damage)
			r := authplay(t, nil, nil, []string{"XDG_STATE_HOME=" + home, "CS=" + spacetest.DemoClientSecret},
				"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID,
				"--client-secret-env", "CS", "--output", "access_token")
			if r.code != 0 || !jwtcheck.LooksLikeJWT(strings.TrimSpace(r.stdout)) {
				t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			}
			moved, _ := filepath.Glob(db + ".damaged-*")
			if len(moved) != 1 || !strings.Contains(r.stderr, "moved to "+moved[0]) {
				t.Fatalf("moved aside: %v; stderr does not say where:\n%s", moved, r.stderr)
			}
			if strings.Contains(r.stderr, "not saved") {
				t.Errorf("the run was not kept in the new database:\n%s", r.stderr)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(db), "keep.txt")); err != nil {
				t.Errorf("something else in the state directory went: %v", err)
			}
			// The run is in the new database, and a second run starts clean.
			st, err := store.Open(filepath.Dir(db))
			if err != nil {
				t.Fatal(err)
			}
			if list, err := st.List("headless", ""); err != nil || len(list) != 1 {
				t.Errorf("the new database holds %d headless runs (%v)", len(list), err)
			}
			again := authplay(t, nil, nil, []string{"XDG_STATE_HOME=" + home, "CS=" + spacetest.DemoClientSecret},
				"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID,
				"--client-secret-env", "CS", "--output", "access_token")
			if again.code != 0 || strings.Contains(again.stderr, "damaged") {
				t.Errorf("the second run: exit %d\n%s", again.code, again.stderr)
			}
		})
	}
}

// A database this user may not open is reported, the token still printed,
// the file left where it is. (A directory in its place stands for it: as
// root, which tests may run as, permission bits do not stop a read.)
func TestTokenWhenTheDatabaseCannotBeOpened(t *testing.T) {
	srv := spacetest.Start(t)
	home := t.TempDir()
	db := filepath.Join(home, "authplay", "sessions.db")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	r := authplay(t, nil, nil, []string{"XDG_STATE_HOME=" + home, "CS=" + spacetest.DemoClientSecret},
		"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID,
		"--client-secret-env", "CS", "--output", "access_token")
	if r.code != 0 || !jwtcheck.LooksLikeJWT(strings.TrimSpace(r.stdout)) || !strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "is a directory") {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if fi, err := os.Stat(db); err != nil || !fi.IsDir() {
		t.Errorf("the directory was moved: %v", err)
	}
}
