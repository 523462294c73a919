package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/store/storetest"
)

// Each entry point the front doors use, as the first to meet the damage:
// the bucket list is spared, so Open itself meets nothing. Each returns
// (reads find nothing, writes land in the new database), and each leaves
// one notice naming where the damaged file went.
func TestEveryEntryPointMeetsDamage(t *testing.T) {
	template := filepath.Join(t.TempDir(), "template")
	db, err := storetest.DamagedStateDir(template, 150, storetest.Damage{Seed: 21, SpareRoot: true})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(db)
	const old = "20000101T000000-000000" // no such session: looking for it still walks the damaged tree
	newSession := func(st *store.Store) string {
		sess, err := st.Create("new", flows.Start(flows.ClientCredentials, flows.Params{}))
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		return sess.ID
	}
	for _, c := range []struct {
		name string
		call func(st *store.Store) error
	}{
		{"List", func(st *store.Store) error {
			list, err := st.List("", "")
			if err == nil && len(list) != 0 {
				err = fmt.Errorf("%d sessions listed from the new database", len(list))
			}
			return err
		}},
		{"Get", func(st *store.Store) error { _, err := st.Get(old); return notFound(err) }},
		{"Delete", func(st *store.Store) error { return notFound(st.Delete(old)) }},
		{"WriteReport", func(st *store.Store) error { _, err := st.WriteReport(old); return notFound(err) }},
		{"Create", func(st *store.Store) error {
			_, err := st.Get(newSession(st))
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "sessions.db"), raw, 0o600)
			st, err := store.Open(dir)
			if err != nil || st.Notice != "" {
				t.Fatalf("Open met the damage (%v, %q): this case proves nothing", err, st.Notice)
			}
			if err := c.call(st); err != nil {
				t.Fatal(err)
			}
			expectOneMove(t, st, dir)
		})
	}
}

// Advance's commit meets damage that appeared while its step ran: the
// step's result (here, a token the server issued) is kept in the new
// database, not lost.
func TestAdvanceCommitMeetsDamage(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		if _, err := st.Create(fmt.Sprintf("old-%d", i), flows.Start(flows.Password, flows.Params{Scope: "**"})); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if _, err := (storetest.Damage{Seed: 22, SpareRoot: true}).Apply(filepath.Join(dir, "sessions.db")); err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"opaque-token-issued-during-the-damage","token_type":"bearer","expires_in":600}`)
	}))
	defer srv.Close()
	p := flows.Params{Provider: flows.Provider{Name: "plain", TokenURL: srv.URL + "/token"}, ClientID: "c"}
	sess, err := st.Create("advance", flows.Start(flows.ClientCredentials, p))
	if err != nil {
		t.Fatal(err)
	}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}
	got, step, err := st.Advance(context.Background(), sess.ID, flows.Credentials{ClientSecret: "s"}, env, flows.Input{})
	if err != nil || !step.OK || got.State.Phase != flows.PhaseAuthorized {
		t.Fatalf("Advance: %v, phase %s", err, got.State.Phase)
	}
	kept, err := st.Get(sess.ID)
	if err != nil || kept.State.Token == nil || kept.State.Token.AccessToken.Reveal() != "opaque-token-issued-during-the-damage" || len(kept.Steps) != 1 {
		t.Fatalf("the step's result was not kept in the new database: %v", err)
	}
	expectOneMove(t, st, dir)
}

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("want ErrNotFound from the new database, got %v", err)
}

func expectOneMove(t *testing.T, st *store.Store, dir string) {
	t.Helper()
	moved, _ := filepath.Glob(filepath.Join(dir, "sessions.db.damaged-*"))
	ns := st.Notices()
	if len(moved) != 1 || len(ns) != 1 || !strings.Contains(ns[0], moved[0]) {
		t.Fatalf("moved aside %v, notices %q", moved, ns)
	}
	if more := st.Notices(); len(more) != 0 {
		t.Errorf("a notice came twice: %q", more)
	}
}
