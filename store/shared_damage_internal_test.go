package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
)

// Two authplays share a state directory; one meets damage while the other
// is using the database. The move aside waits for the other's lock, and a
// write the other started on the old file before the move lands in the new
// one, not in the file that was moved away.
func TestDamageMetWhileAnotherProcessUsesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Sessions from long ago: their IDs sort before any new one, so the
	// damaged leaf below is met by reading the first, never by a new write.
	var first, last Session
	err = s.update(func(tx *bolt.Tx) error {
		for i := range 300 {
			sess := sampleSession(i)
			sess.ID = fmt.Sprintf("20000101T000000-%06d", i)
			if err := put(tx, sess); err != nil {
				return err
			}
			if i == 0 {
				first = sess
			}
			last = sess
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	original, _ := os.Stat(s.path)
	damageLeafHolding(t, s.path, first.ID)

	child, lines, stdin := startSharedChild(t, dir, first.ID)
	expect := func(prefix string) string {
		t.Helper()
		select {
		case line, ok := <-lines:
			if !ok || !strings.HasPrefix(line, prefix) {
				t.Fatalf("the child said %q (open %v), want %q", line, ok, prefix)
			}
			return line
		case <-time.After(30 * time.Second):
			t.Fatalf("no %q from the child within 30 s", prefix)
		}
		return ""
	}

	// 1. This process is inside a read (a shared lock) when the child,
	// having met the damage and confirmed it, wants to move the file.
	inside, release, readDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		readDone <- s.view(func(tx *bolt.Tx) error {
			close(inside)
			<-release
			if tx.Bucket(bucketSessions).Get([]byte(last.ID)) == nil {
				return fmt.Errorf("a healthy session vanished under a reader")
			}
			return nil
		})
	}()
	<-inside
	expect("MOVE LOCKING")
	if cur, err := os.Stat(s.path); err != nil || !os.SameFile(cur, original) {
		t.Fatal("the file was moved while another process was reading it")
	}
	close(release)
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}

	// 2. The child holds the file's exclusive lock, about to move it. This
	// process opens the same (old) file for a write, and waits for the lock.
	expect("MOVE LOCKED")
	opened := make(chan struct{}, 4)
	testHookOpened = func() { opened <- struct{}{} }
	t.Cleanup(func() { testHookOpened = nil })
	created := make(chan error, 1)
	var written Session
	go func() {
		var err error
		written, err = s.Create("written-during-move", flows.Start(flows.ClientCredentials, flows.Params{}))
		created <- err
	}()
	<-opened // the old file is open here, not yet locked
	io.WriteString(stdin, "go on\n")
	notice := expect("NOTICE ")
	expect("CHILD DONE")
	if err := child.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if err := <-created; err != nil {
		t.Fatalf("the write begun on the old file: %v", err)
	}
	testHookOpened = nil

	aside := filepath.Join(dir, notice[strings.Index(notice, "sessions.db.damaged-"):strings.Index(notice, " and a new")])
	if fi, err := os.Stat(aside); err != nil || !os.SameFile(fi, original) {
		t.Fatalf("the damaged file is not at %s: %v", aside, err)
	}
	if _, err := s.Get(written.ID); err != nil {
		t.Fatalf("the write that waited for the move is not in the new database: %v", err)
	}
	ns := s.Notices()
	if len(ns) != 1 || !strings.Contains(ns[0], "Another authplay") || !strings.Contains(ns[0], aside) {
		t.Errorf("this process was not told where the database went: %q", ns)
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("the new database: %v", err)
		}
		return nil
	})
}

// TestSharedDamageHelperProcess is not a test on its own: it is the other
// authplay of TestDamageMetWhileAnotherProcessUsesTheDatabase, which reads
// the damaged session and says where it stands.
func TestSharedDamageHelperProcess(t *testing.T) {
	dir := os.Getenv("AP_SHARED_DAMAGE_DIR")
	if dir == "" {
		t.Skip("helper for TestDamageMetWhileAnotherProcessUsesTheDatabase")
	}
	in := bufio.NewReader(os.Stdin)
	testHookMoveLocking = func() { fmt.Println("MOVE LOCKING") }
	testHookMoveLocked = func() {
		fmt.Println("MOVE LOCKED")
		in.ReadString('\n')
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	if _, err := s.Get(os.Getenv("AP_SHARED_DAMAGE_ID")); err != ErrNotFound {
		fmt.Println("ERR Get after the move:", err)
		os.Exit(1)
	}
	for _, n := range s.Notices() {
		fmt.Println("NOTICE", n)
	}
	fmt.Println("CHILD DONE")
	os.Exit(0)
}

func startSharedChild(t *testing.T, dir, id string) (*exec.Cmd, <-chan string, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSharedDamageHelperProcess$")
	cmd.Env = append(os.Environ(), "AP_SHARED_DAMAGE_DIR="+dir, "AP_SHARED_DAMAGE_ID="+id)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return cmd, lines, stdin
}

// damageLeafHolding overwrites, with random bytes, the live leaf page that
// holds the session record of id: met by a Get of that session, not by a
// write of a newer one (IDs sort by time, so new ones go to the right).
func damageLeafHolding(t *testing.T, path, id string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	pageSize := db.Info().PageSize
	target := -1
	db.View(func(tx *bolt.Tx) error {
		for pg := 2; pg < int(tx.Size())/pageSize; pg++ {
			if info, _ := tx.Page(pg); info == nil || info.Type != "leaf" {
				continue
			}
			// The first element of a leaf page: flags, pos, ksize, vsize
			// (uint32 each) after the 16-byte header; pos counts from the
			// element itself.
			p := raw[pg*pageSize:]
			pos, ksize := int(binary.NativeEndian.Uint32(p[20:])), int(binary.NativeEndian.Uint32(p[24:]))
			if string(p[16+pos:16+pos+ksize]) == id && p[16+pos+ksize] == '{' {
				target = pg
			}
		}
		return nil
	})
	db.Close()
	if target < 0 {
		t.Fatalf("no live leaf page starts with session %s", id)
	}
	junk := make([]byte, pageSize)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range junk {
		junk[i] = byte(rng.UintN(256))
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(junk, int64(target*pageSize)); err != nil {
		t.Fatal(err)
	}
}
