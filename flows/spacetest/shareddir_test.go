package spacetest_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

// startOnDir starts a server with its own memory on a shared state
// directory, as a second authplay process would.
func startOnDir(t *testing.T, dir string, opts ...spacetest.Option) *spacetest.Server {
	t.Helper()
	s, err := spacetest.NewServer(append([]spacetest.Option{spacetest.WithDir(dir)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func offlinePassword(t *testing.T, s *spacetest.Server, user string) (at, rt string) {
	t.Helper()
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"password"}, "username": {user}, "password": {user}, "access_type": {"offline"}})
	at, _ = r.body["access_token"].(string)
	rt, _ = r.body["refresh_token"].(string)
	if r.status != 200 || at == "" || rt == "" {
		t.Fatalf("password grant at %s: %d %v", s.URL, r.status, r.body)
	}
	return at, rt
}

func TestTwoServersShareOneDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	// Both start before either has issued anything (or made a key), as two
	// authplay windows opened at once would.
	var servers [2]*spacetest.Server
	var errs [2]error
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); servers[i], errs[i] = spacetest.NewServer(spacetest.WithDir(dir)) }()
	}
	wg.Wait()
	for i, s := range servers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		t.Cleanup(s.Close)
	}
	a, b := servers[0], servers[1]
	atA, rtA := offlinePassword(t, a, "demo")
	atB, rtB := offlinePassword(t, b, "alice")
	for _, c := range []struct {
		at       *spacetest.Server
		tok, why string
	}{
		{b, atA, "A's access token at B"}, {b, rtA, "A's refresh token at B"},
		{a, atB, "B's access token at A"}, {a, rtB, "B's refresh token at A"},
	} {
		if intro := postTo(t, c.at, "/oauth/introspect", url.Values{"token": {c.tok}}); intro["active"] != true {
			t.Errorf("%s: %v", c.why, intro)
		}
	}
	if r := refreshAs(t, b, spacetest.DemoClientID, spacetest.DemoClientSecret, rtA); r.status != 200 {
		t.Errorf("A's refresh token at B: %d %v", r.status, r.body)
	}
	if r := refreshAs(t, a, spacetest.DemoClientID, spacetest.DemoClientSecret, rtB); r.status != 200 {
		t.Errorf("B's refresh token at A: %d %v", r.status, r.body)
	}
	// A revocation at one is honoured by the other.
	postTo(t, a, "/oauth/revoke", url.Values{"token": {rtB}})
	if intro := postTo(t, b, "/oauth/introspect", url.Values{"token": {rtB}}); intro["active"] != false {
		t.Errorf("B still honours a refresh token revoked at A: %v", intro)
	}
	// After both have written, a third process on the directory still has A's grant.
	a.Close()
	b.Close()
	http.DefaultClient.CloseIdleConnections() // the third server may take a closed one's port
	c := startOnDir(t, dir)
	if r := refreshAs(t, c, spacetest.DemoClientID, spacetest.DemoClientSecret, rtA); r.status != 200 {
		t.Errorf("A's refresh token after both wrote: %d %v", r.status, r.body)
	}
	if r := refreshAs(t, c, spacetest.DemoClientID, spacetest.DemoClientSecret, rtB); r.body["error"] != "invalid_grant" {
		t.Errorf("B's revoked refresh token came back: %d %v", r.status, r.body)
	}
	checkPrivate(t, dir)
}

// checkPrivate asserts that everything under dir is the owner's alone.
func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDamagedStateFilesAreReportedNotFatal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s := startOnDir(t, dir)
	_, rt := offlinePassword(t, s, "demo")
	s.Close()
	http.DefaultClient.CloseIdleConnections()
	// Scribble over every file the server wrote except the key.
	var damaged []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error { //nolint:errcheck
		if err == nil && !d.IsDir() && filepath.Base(path) != "signing-key.pem" {
			if werr := os.WriteFile(path, []byte("\x00{not json"), 0o600); werr != nil {
				t.Fatal(werr)
			}
			damaged = append(damaged, path)
		}
		return nil
	})
	if len(damaged) < 2 {
		t.Fatalf("expected a state file and a grant file, found %v", damaged)
	}
	var notices []string
	var mu sync.Mutex
	s2 := startOnDir(t, dir, spacetest.WithNotices(func(m string) { mu.Lock(); notices = append(notices, m); mu.Unlock() }))
	r := refreshAs(t, s2, spacetest.DemoClientID, spacetest.DemoClientSecret, rt)
	desc, _ := r.body["error_description"].(string)
	if r.status != 400 || r.body["error"] != "invalid_grant" || !strings.Contains(desc, "damaged") {
		t.Errorf("a refresh token whose record is damaged: %d %v", r.status, r.body)
	}
	mu.Lock()
	got := strings.Join(notices, "\n")
	mu.Unlock()
	if !strings.Contains(got, "state.json") || !strings.Contains(got, "damaged") {
		t.Errorf("no notice names the damaged state file; notices:\n%s", got)
	}
	// The server goes on working.
	offlinePassword(t, s2, "alice")
}
