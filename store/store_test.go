package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

func TestAdvanceCommitsStateAndStepWithoutSecrets(t *testing.T) {
	srv := spacetest.Start(t)
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := flows.Space(srv.URL)
	p := flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, Scope: "**", Username: spacetest.DemoUsername, AccessType: "offline"}
	sess, err := st.Create("demo", flows.Start(flows.Password, p), flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: spacetest.DemoPassword})
	if err != nil {
		t.Fatal(err)
	}
	env := flows.Env{HTTP: flows.NewHTTPClient(10 * time.Second), Loopback: flows.NewLoopback()}
	got, step, err := st.Advance(context.Background(), sess.ID, env, flows.Input{})
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
