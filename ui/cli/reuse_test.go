package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// profileDir writes a profiles file naming the server as profile "cron".
func profileDir(t *testing.T, serverURL string) string {
	t.Helper()
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "authplay"), 0o700)
	prof := fmt.Sprintf(`{"profiles":[{"name":"cron","provider":{"kind":"space","service_url":%q},"client_id":"demo-app","client_secret":"env:CS","scope":"**"}]}`, serverURL)
	if err := os.WriteFile(filepath.Join(cfg, "authplay", "profiles.json"), []byte(prof), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A second --reuse within the token's life prints the same token and
// sends nothing at all: the server counts every request it receives.
// Another scope is another request, and gets its own token.
func TestReuseSendsNoRequestWhileTheTokenLives(t *testing.T) {
	s := spacetest.Start(t)
	env := []string{"XDG_CONFIG_HOME=" + profileDir(t, s.URL), "XDG_STATE_HOME=" + t.TempDir(), "CS=" + spacetest.DemoClientSecret}
	get := func(extra ...string) (string, int64) {
		before := s.Requests()
		r := authplay(t, nil, nil, env, append([]string{"token", "--flow", "client_credentials", "--profile", "cron", "--reuse", "--output", "access_token"}, extra...)...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "eyJ") {
			t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
		return r.stdout, s.Requests() - before
	}
	first, sent := get()
	if sent == 0 {
		t.Fatal("the first run sent no request")
	}
	second, sent := get("--output", "access_token") // how it prints is not what it asks
	if sent != 0 || second != first {
		t.Fatalf("the second run sent %d requests; same token: %v", sent, second == first)
	}
	other, sent := get("--scope", "global:Profile.View")
	if sent == 0 || other == first {
		t.Fatalf("another scope reused the token (sent %d)", sent)
	}
}

// A token with less than a minute left is refreshed silently (one request,
// the refresh), and the refreshed one is then reused.
func TestReuseRefreshesATokenAboutToExpire(t *testing.T) {
	key, err := spacetest.SharedTestKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	short, err := spacetest.NewServer(spacetest.WithKey(key), spacetest.WithDir(dir), spacetest.WithAccessTokenTTL(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CONFIG_HOME=" + profileDir(t, short.URL), "XDG_STATE_HOME=" + t.TempDir(), "CS=" + spacetest.DemoClientSecret, "PW=" + spacetest.DemoPassword}
	args := []string{"token", "--flow", "password", "--profile", "cron", "--reuse", "--username", spacetest.DemoUsername, "--password-env", "PW",
		"--access-type", "offline", "--output", "access_token"}
	r := authplay(t, nil, nil, env, args...)
	short.Close()
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	first := r.stdout
	// The same server (its grants kept in dir) on the same port, now
	// issuing tokens of ten minutes.
	s, err := spacetest.NewServer(spacetest.WithKey(key), spacetest.WithDir(dir), spacetest.WithAddr(strings.TrimPrefix(short.URL, "http://")))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r = authplay(t, nil, nil, env, args...)
	if r.code != 0 || r.stdout == first || s.Requests() != 1 {
		t.Fatalf("exit %d, new token %v, %d requests (want the refresh alone)\n%s", r.code, r.stdout != first, s.Requests(), r.stderr)
	}
	refreshed := r.stdout
	r = authplay(t, nil, nil, env, args...)
	if r.code != 0 || r.stdout != refreshed || s.Requests() != 1 {
		t.Fatalf("exit %d, the refreshed token again %v, %d requests\n%s", r.code, r.stdout == refreshed, s.Requests(), r.stderr)
	}
}

// Scripts keep --keep-sessions sessions of a profile, the newest; two
// scripts at once lose nothing and keep no more, and every kept session
// reads back whole. Another profile's sessions are not touched.
func TestScriptedSessionsAreBoundedPerProfile(t *testing.T) {
	s := spacetest.Start(t)
	stateHome := t.TempDir()
	env := []string{"XDG_CONFIG_HOME=" + profileDir(t, s.URL), "XDG_STATE_HOME=" + stateHome, "CS=" + spacetest.DemoClientSecret}
	run := func(args ...string) {
		r := authplay(t, nil, nil, env, append([]string{"token", "--flow", "client_credentials", "--output", "access_token"}, args...)...)
		if r.code != 0 {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	}
	run("--space-url", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS") // profile "headless"
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 4 {
				run("--profile", "cron", "--keep-sessions", "3")
			}
		})
	}
	wg.Wait()
	st, err := store.Open(filepath.Join(stateHome, "authplay"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.List("", "")
	if err != nil {
		t.Fatal(err)
	}
	cron := 0
	for _, sum := range all {
		if _, err := st.Get(sum.ID); err != nil {
			t.Errorf("session %s does not read back: %v", sum.ID, err)
		}
		if sum.Profile == "cron" {
			cron++
		}
	}
	if cron != 3 || len(all) != 4 {
		t.Fatalf("kept %d of profile cron (want 3) and %d in all (want 4)", cron, len(all))
	}
}
