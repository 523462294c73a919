package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

func TestAdvanceCommitsStateAndStepWithoutSecrets(t *testing.T) {
	srv := spacetest.Start(t)
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.Create("demo", flows.Start(flows.Password, demoParams(srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}
	got, step, err := st.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{})
	if err != nil || !step.OK || got.State.Phase != flows.PhaseAuthorized {
		t.Fatalf("%v %+v", err, got.State.Failure)
	}
	// A second process (here: a second Store) sees the committed session.
	again, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := again.Get(sess.ID)
	if err != nil || len(loaded.Steps) != 1 || loaded.State.Token == nil || loaded.State.Token.RefreshToken == "" {
		t.Fatalf("%v %+v", err, loaded)
	}
	list, err := again.List("demo", "password")
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", err, list)
	}
	if list, _ := again.List("other-profile", ""); len(list) != 0 {
		t.Fatalf("filter by profile: %v", list)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{spacetest.DemoClientSecret, "password=" + spacetest.DemoPassword} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the store file contains %q", secret)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "sessions.db")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if err := again.Delete(sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := again.Get(sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
	if err := again.Delete(sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestCorruptDatabaseIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sessions.db"), bytes.Repeat([]byte("garbage!"), 1024), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Notice, "moved to") {
		t.Fatalf("notice %q", st.Notice)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "sessions.db.damaged-*"))
	if len(matches) != 1 {
		t.Fatalf("moved-aside files: %v", matches)
	}
	if _, err := st.List("", ""); err != nil {
		t.Fatal(err)
	}
}

func demoParams(url string) flows.Params {
	prov, _ := flows.Space(url)
	return flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, Scope: "**", Username: spacetest.DemoUsername,
		AccessType: "offline", RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256}
}

func demoCreds() flows.Credentials {
	return flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: spacetest.DemoPassword}
}
