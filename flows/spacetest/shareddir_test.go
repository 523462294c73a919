package spacetest_test

import (
	"encoding/base64"
	"encoding/json"
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

// A directory written by an older authplay kept every grant in state.json;
// its refresh tokens, revocations and consents must still hold after the
// upgrade, and move out of the shared file.
func TestGrantsOfAnOlderStateFileAreKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s := startOnDir(t, dir)
	at, _ := offlinePassword(t, s, "demo") // makes the key; its sid is revoked below
	s.Close()
	http.DefaultClient.CloseIdleConnections()
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(at, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Sid string }
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Sid == "" {
		t.Fatalf("no sid in %s: %v", payload, err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "grants")); err != nil {
		t.Fatal(err)
	}
	old := `{"version": 1, "addr": "127.0.0.1:0",
	  "refresh_tokens": {
	    "sprt-old-live": {"token": "sprt-old-live", "client_id": "demo-app", "user_id": "7pQrS3alice", "scope": "**", "sid": "0011223344556677", "revoked": false},
	    "sprt-old-revoked": {"token": "sprt-old-revoked", "client_id": "demo-app", "user_id": "2kLmX9demo", "scope": "**", "sid": "8899aabbccddeeff", "revoked": true}},
	  "offline_consents": {"7pQrS3alice|demo-app": true},
	  "revoked_sessions": {"` + claims.Sid + `": true}}`
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s2 := startOnDir(t, dir)
	if r := refreshAs(t, s2, spacetest.DemoClientID, spacetest.DemoClientSecret, "sprt-old-live"); r.status != 200 {
		t.Errorf("an older refresh token: %d %v", r.status, r.body)
	}
	if r := refreshAs(t, s2, spacetest.DemoClientID, spacetest.DemoClientSecret, "sprt-old-revoked"); r.body["error"] != "invalid_grant" {
		t.Errorf("an older revoked refresh token: %d %v", r.status, r.body)
	}
	if st, _ := api(t, s2, "GET", "/api/http/team-directory/profiles/me", at); st != 401 {
		t.Errorf("an access token of an older revoked session: HTTP %d", st)
	}
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "sprt-old") {
		t.Errorf("the grants are still in the shared state file:\n%s", b)
	}
	checkPrivate(t, dir)
}
