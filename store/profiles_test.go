package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

func TestProfilesRoundTripAndReferences(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "profiles.json")
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("from-a-file\n"), 0o600)
	ps := []store.Profile{
		{Name: "space", Provider: flows.Provider{Kind: flows.KindSpace, ServiceURL: "https://acme.jetbrains.space"}, ClientID: "c", ClientSecret: "env:AP_TEST_SECRET", Scope: "**"},
		{Name: "kc", Provider: flows.Provider{Kind: flows.KindEndpoints, TokenURL: "https://kc/token"}, ClientID: "k", ClientSecret: "file:" + secretFile, AuthStyle: "body"},
	}
	if err := store.SaveProfiles(path, ps); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", fi.Mode())
	}
	got, err := store.LoadProfiles(path)
	if err != nil || len(got) != 2 {
		t.Fatal(err, got)
	}
	sp, _ := store.FindProfile(got, "space")
	p, err := sp.Params()
	if err != nil || p.Provider.TokenURL != "https://acme.jetbrains.space/oauth/token" || p.AuthStyle != flows.AuthAuto || p.PKCE != flows.PKCES256 {
		t.Fatalf("%v %+v", err, p)
	}
	if _, err := sp.Credentials(); err == nil || !strings.Contains(err.Error(), "AP_TEST_SECRET is not set") {
		t.Fatalf("unset variable: %v", err)
	}
	t.Setenv("AP_TEST_SECRET", "from-env")
	if c, err := sp.Credentials(); err != nil || c.ClientSecret.Reveal() != "from-env" {
		t.Fatal(err)
	}
	kc, _ := store.FindProfile(got, "kc")
	if c, err := kc.Credentials(); err != nil || c.ClientSecret.Reveal() != "from-a-file" {
		t.Fatal(err)
	}
	os.Remove(secretFile)
	if _, err := kc.Credentials(); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := store.FindProfile(got, "nope"); err == nil || !strings.Contains(err.Error(), "space, kc") {
		t.Fatalf("%v", err)
	}
	// Saving again keeps the previous file.
	if err := store.SaveProfiles(path, got[:1]); err != nil {
		t.Fatal(err)
	}
	if old, err := store.LoadProfiles(path + ".bak"); err != nil || len(old) != 2 {
		t.Fatalf("backup: %v %d", err, len(old))
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "from-env") {
		t.Error("a resolved secret was written to the profiles file")
	}
}

func TestProfileFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ body, want string }{
		"syntax":        {"{\n  \"profiles\": [\n    {\"name\": \"a\",,}\n  ]\n}", "line 3, column"},
		"type":          {"{\"profiles\": [{\"name\": 3}]}", "line 1, column"},
		"unknown field": {`{"profiles": [{"name": "a", "secret": "x"}]}`, `unknown field "secret"`},
		"no name":       {`{"profiles": [{"client_id": "a"}]}`, "profile 1 has no name"},
		"duplicate":     {`{"profiles": [{"name": "a"}, {"name": "a"}]}`, `two profiles are named "a"`},
		"truncated":     {`{"profiles": [{"name": "a"`, "unexpected EOF"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			os.WriteFile(path, []byte(c.body), 0o600)
			if _, err := store.LoadProfiles(path); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v, want %q", err, c.want)
			}
			if b, _ := os.ReadFile(path); string(b) != c.body {
				t.Error("a bad file was changed")
			}
		})
	}
	if ps, err := store.LoadProfiles(filepath.Join(dir, "missing.json")); err != nil || ps != nil {
		t.Fatal(ps, err)
	}
}

// A Space-kind profile keeps what it says beyond the service URL (its
// family, its introspection and revocation endpoints) when loaded.
func TestASpaceProfileKeepsItsOwnEndpoints(t *testing.T) {
	p := store.Profile{Name: "demo", Provider: flows.Provider{Kind: flows.KindSpace, ServiceURL: "http://127.0.0.1:9090", Builtin: true,
		Family: flows.FamilyBuiltin, IntrospectURL: "http://127.0.0.1:9090/oauth/introspect", RevokeURL: "http://127.0.0.1:9090/oauth/revoke"}, ClientID: "demo-app"}
	got, err := p.Params()
	if err != nil || !got.Provider.Builtin || got.Provider.RevokeURL == "" || got.Provider.IntrospectURL == "" || got.Provider.TokenURL != "http://127.0.0.1:9090/oauth/token" {
		t.Fatalf("%v %+v", err, got.Provider)
	}
}
