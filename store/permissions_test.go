//go:build unix

package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// A database authplay may not open is not damaged: it is reported, naming
// the file and the reason, and left exactly where and as it is.

const nobody = 65534

func TestUnreadableDatabaseIsReportedNotMoved(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create("kept", flows.Start(flows.ClientCredentials, flows.Params{})); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "sessions.db")
	before, _ := os.ReadFile(db)

	var report string
	if os.Getuid() == 0 {
		// Permission bits do not stop root: the store runs as nobody in a
		// child process, on a state directory nobody owns holding a
		// database root owns.
		dir = nobodysCopy(t, db)
		db = filepath.Join(dir, "sessions.db")
		report = runAsNobody(t, dir)
	} else {
		if err := os.Chmod(db, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(db, 0o600) })
		_, err := store.Open(dir)
		report = fmt.Sprint(err)
	}
	t.Log(report)
	for _, want := range []string{db, "permission denied", "left as it is"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q: %s", want, report)
		}
	}
	if m, _ := filepath.Glob(db + ".damaged-*"); len(m) != 0 {
		t.Errorf("an unreadable database was moved aside: %v", m)
	}
	if after, err := os.ReadFile(db); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the database changed or went: %v", err)
	}
}

// nobodysCopy puts a copy of the database, owned by root with mode 0600, in
// a state directory nobody owns.
func nobodysCopy(t *testing.T, db string) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "authplay-perm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	dir := filepath.Join(parent, "state")
	raw, _ := os.ReadFile(db)
	if err := errors.Join(os.Chmod(parent, 0o755), os.Mkdir(dir, 0o700), os.Chown(dir, nobody, nobody),
		os.WriteFile(filepath.Join(dir, "sessions.db"), raw, 0o600)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runAsNobody runs TestPermissionHelperProcess as nobody on dir and returns
// what Open said.
func runAsNobody(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(filepath.Dir(dir), "store.test")
	raw, err := os.ReadFile(os.Args[0])
	if err == nil {
		err = os.WriteFile(bin, raw, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestPermissionHelperProcess$")
	cmd.Env = []string{"AP_PERM_DIR=" + dir, "HOME=" + filepath.Dir(dir)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "OPEN") {
		t.Skipf("cannot run a process as nobody here (%v): the permission case is not covered on this machine\n%s", err, out)
	}
	return string(out)
}

// TestPermissionHelperProcess is not a test on its own: it opens the store
// for TestUnreadableDatabaseIsReportedNotMoved as another user.
func TestPermissionHelperProcess(t *testing.T) {
	dir := os.Getenv("AP_PERM_DIR")
	if dir == "" {
		t.Skip("helper for TestUnreadableDatabaseIsReportedNotMoved")
	}
	_, err := store.Open(dir)
	fmt.Println("OPEN", err)
}
