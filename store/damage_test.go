package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/store/storetest"
)

// A damaged database: random bytes over data pages, never the meta pages
// (bbolt checksums those and refuses them with an error). Every entry point
// the front doors use must then return, the program must go on with a
// working store, and nothing but the database may be moved or removed.

// sessionsForDamage is about what a person who uses authplay daily for a
// few months has: enough for the index and the sessions to span many pages.
const sessionsForDamage = 400

// buildDamageTemplate fills a store through its own API: most sessions only
// created, some run to a token against the built-in server so their records
// hold steps and exchanges (and so overflow pages).
func buildDamageTemplate(t *testing.T, srv *spacetest.Server) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}
	for i := range sessionsForDamage {
		method := []flows.Method{flows.ClientCredentials, flows.Password, flows.AuthorizationCode}[i%3]
		sess, err := st.Create(fmt.Sprintf("profile-%d", i%7), flows.Start(method, demoParams(srv.URL)))
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 && method != flows.AuthorizationCode {
			if _, _, err := st.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return filepath.Join(dir, "sessions.db")
}

func TestDamagedDatabaseKeepsAuthplayWorking(t *testing.T) {
	srv := spacetest.Start(t) // the children's server too: one key pair, made once
	template, err := os.ReadFile(buildDamageTemplate(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	met := 0
	for _, keepHeader := range []bool{false, true} {
		for seed := uint64(1); seed <= 8; seed++ {
			name := fmt.Sprintf("seed%d/whole-pages", seed)
			if keepHeader {
				name = fmt.Sprintf("seed%d/page-bodies", seed)
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				db := filepath.Join(dir, "sessions.db")
				if err := os.WriteFile(db, template, 0o600); err != nil {
					t.Fatal(err)
				}
				hit, err := storetest.Damage{Seed: seed, Pages: 3, KeepHeaders: keepHeader}.Apply(db)
				if err != nil {
					t.Fatal(err)
				}
				// Things in the state directory that are not the database.
				os.MkdirAll(filepath.Join(dir, "reports"), 0o700)
				os.WriteFile(filepath.Join(dir, "reports", "kept.md"), []byte("a report"), 0o600)
				os.WriteFile(filepath.Join(dir, "server.json"), []byte("{}"), 0o600)

				out, err := runDamagedChild(t, dir, srv.URL)
				if err != nil {
					t.Fatalf("pages %v: the store crashed or failed (%v):\n%s", hit, err, out)
				}
				notices := strings.Count(out, "NOTICE ")
				moved, _ := filepath.Glob(db + ".damaged-*")
				if len(moved) != notices || notices > 1 {
					t.Fatalf("pages %v: %d notices, moved aside %v:\n%s", hit, notices, moved, out)
				}
				if notices == 1 {
					met++
					t.Log(out[strings.Index(out, "NOTICE "):])
					if !strings.Contains(out, moved[0]) {
						t.Errorf("the notice does not say where the database went (%s):\n%s", moved[0], out)
					}
				}
				for _, keep := range []string{"reports/kept.md", "server.json", "sessions.db"} {
					if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
						t.Errorf("%s: %v", keep, err)
					}
				}
			})
		}
	}
	if met == 0 {
		t.Error("no run met the damage: the test proves nothing")
	}
}

// runDamagedChild runs the entry points in a second process: before the fix
// a fault on the memory map kills the whole process, not only a goroutine.
func runDamagedChild(t *testing.T, dir, serverURL string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDamagedHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "AP_DAMAGED_DIR="+dir, "AP_DAMAGED_SERVER="+serverURL)
	out, err := cmd.CombinedOutput()
	if err == nil && !strings.Contains(string(out), "ALL ENTRY POINTS RETURNED") {
		err = errors.New("the child stopped early")
	}
	return string(out), err
}

// TestDamagedHelperProcess is not a test on its own: it is the child of
// TestDamagedDatabaseKeepsAuthplayWorking, doing what the TUI and
// `authplay token` do with a store.
func TestDamagedHelperProcess(t *testing.T) {
	dir := os.Getenv("AP_DAMAGED_DIR")
	if dir == "" {
		t.Skip("helper for TestDamagedDatabaseKeepsAuthplayWorking")
	}
	serverURL := os.Getenv("AP_DAMAGED_SERVER")
	st, err := store.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	// Reads may fail for a damaged record; they must return, not crash.
	list, err := st.List("", "")
	t.Logf("List: %d sessions, %v", len(list), err)
	for _, sum := range list {
		if _, err := st.Get(sum.ID); err != nil {
			t.Logf("Get %s: %v", sum.ID, err)
		}
	}
	if len(list) > 0 {
		_, err := st.WriteReport(list[0].ID)
		t.Logf("WriteReport of an old session: %v", err)
		t.Logf("Delete of an old session: %v", st.Delete(list[len(list)-1].ID))
	}
	// A new run must work from start to token and be kept.
	sess, err := st.Create("after-damage", flows.Start(flows.ClientCredentials, demoParams(serverURL)))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}
	got, step, err := st.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{})
	if err != nil || !step.OK || got.State.Phase != flows.PhaseAuthorized {
		t.Fatalf("Advance: %v, phase %s", err, got.State.Phase)
	}
	again, err := st.Get(sess.ID)
	if err != nil || len(again.Steps) != 1 {
		t.Fatalf("Get after Advance: %v, %d steps", err, len(again.Steps))
	}
	if _, err := st.WriteReport(sess.ID); err != nil {
		t.Fatalf("WriteReport: %v", err)
	}
	if now, err := st.List("after-damage", ""); err != nil || len(now) != 1 {
		t.Fatalf("List after the new run: %v %v", err, now)
	}
	if err := st.Delete(sess.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, n := range st.Notices() {
		fmt.Println("NOTICE", n)
	}
	fmt.Println("ALL ENTRY POINTS RETURNED")
}

// A directory where the database should be is not moved aside either (it
// would fail bbolt's check of the meta pages and look damaged).
func TestDatabasePathThatIsADirectoryIsReportedNotMoved(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sessions.db")
	if err := os.MkdirAll(filepath.Join(db, "something"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(dir)
	if err == nil || !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("%v", err)
	}
	if fi, err := os.Stat(filepath.Join(db, "something")); err != nil || !fi.IsDir() {
		t.Errorf("the directory was touched: %v", err)
	}
	if m, _ := filepath.Glob(db + ".damaged-*"); len(m) != 0 {
		t.Errorf("moved aside: %v", m)
	}
}

// A record whose bytes are garbage inside a sound database (the damage
// bbolt's own check cannot see: a value's bytes) costs that session only:
// its Get says so, without echoing control bytes, and it can be deleted.
func TestDamagedRecordCostsOnlyThatSession(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		sess, err := st.Create(fmt.Sprintf("p%d", i), flows.Start(flows.ClientCredentials, flows.Params{}))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sess.ID)
	}
	db, err := bolt.Open(filepath.Join(dir, "sessions.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("sessions")).Put([]byte(ids[1]), []byte("\x1b]0;pwned\x07{garbage"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Get(ids[1])
	if err == nil || !strings.Contains(err.Error(), "record is damaged") || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Fatalf("%q", err)
	}
	if _, err := st.Get(ids[0]); err != nil {
		t.Fatal(err)
	}
	if list, err := st.List("", ""); err != nil || len(list) != 3 {
		t.Fatalf("%v %v", err, list)
	}
	if err := st.Delete(ids[1]); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.damaged-*")); len(m) != 0 || len(st.Notices()) != 0 {
		t.Fatalf("one bad record moved the whole database aside: %v", m)
	}
}
