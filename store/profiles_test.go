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

// Custom parameters and the response mode are saved with a profile, as an
// object or a list; a profile saved before access_type became Space's
// alone keeps sending it to its (non-Space) server, as a custom parameter
// the form and the preview show.
func TestProfileCustomParameters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	raw := `{"profiles":[
	  {"name":"auth0","provider":{"kind":"discovery","issuer":"https://t.example","auth_url":"https://t.example/authorize","token_url":"https://t.example/token"},
	   "client_id":"c","response_mode":"form_post","auth_params":{"audience":"https://api","prompt":"consent"},"token_params":["resource=https://a","resource=https://b"]},
	  {"name":"old-google","provider":{"kind":"endpoints","auth_url":"https://g.example/auth","token_url":"https://g.example/token"},"client_id":"g","access_type":"offline"},
	  {"name":"space","provider":{"kind":"space","service_url":"https://acme.jetbrains.space"},"client_id":"s","access_type":"offline"}]}`
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err := store.LoadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ps[0].Draft(flows.AuthorizationCode)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Get(flows.FieldAuthParams); got != "audience=https://api prompt=consent" {
		t.Errorf("auth params %q", got)
	}
	if got := d.Get(flows.FieldTokenParams); got != "resource=https://a resource=https://b" || d.Params.ResponseMode != "form_post" {
		t.Errorf("token params %q, mode %q", got, d.Params.ResponseMode)
	}
	old, _ := ps[1].Draft(flows.AuthorizationCode)
	if got := old.Get(flows.FieldAuthParams); got != "access_type=offline" {
		t.Errorf("an old profile's access_type for a non-Space server: auth params %q", got)
	}
	sp, _ := ps[2].Draft(flows.AuthorizationCode)
	if sp.Params.AccessType != "offline" || len(sp.Params.AuthParams) != 0 {
		t.Errorf("Space keeps its own access_type: %+v", sp.Params)
	}
	// Written back, they read the same.
	if err := store.SaveProfiles(path, ps); err != nil {
		t.Fatal(err)
	}
	again, err := store.LoadProfiles(path)
	if err != nil || again[0].TokenParams.String() != ps[0].TokenParams.String() || again[0].AuthParams.String() != ps[0].AuthParams.String() {
		t.Fatalf("%v %+v", err, again)
	}
	bad := `{"profiles":[{"name":"x","provider":{"kind":"endpoints"},"auth_params":["prompt"]}]}`
	os.WriteFile(path, []byte(bad), 0o600)
	if _, err := store.LoadProfiles(path); err == nil || !strings.Contains(err.Error(), `"prompt" has no =`) {
		t.Errorf("a malformed pair: %v", err)
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

// A preset's fixed parameters (Google's access_type and prompt) come from
// the family when the profile loads; the profile's own replace them by name.
func TestPresetProfileParameters(t *testing.T) {
	google := store.Profile{Name: "g", Provider: flows.Provider{Family: "google"}, ClientID: "c"}
	d, err := google.Draft(flows.AuthorizationCode)
	if err != nil || d.Get(flows.FieldAuthParams) != "access_type=offline prompt=consent" {
		t.Fatalf("%v %q", err, d.Get(flows.FieldAuthParams))
	}
	google.AuthParams = flows.CustomParams{{Key: "prompt", Value: "select_account"}}
	if d, _ := google.Draft(flows.AuthorizationCode); d.Get(flows.FieldAuthParams) != "access_type=offline prompt=select_account" {
		t.Errorf("the profile's prompt does not replace the preset's: %q", d.Get(flows.FieldAuthParams))
	}
	auth0, _ := flows.PresetOf("auth0")
	auth, token := auth0.PersonalParams(map[string]string{"domain": "t.eu.auth0.com", "audience": "https://api"})
	if auth.String() != "audience=https://api" || token.String() != "audience=https://api" {
		t.Errorf("Auth0's audience as saved: %q %q", auth, token)
	}
	if auth, _ := auth0.PersonalParams(map[string]string{"domain": "t.eu.auth0.com"}); len(auth) != 0 {
		t.Errorf("an optional audience left empty is not saved: %q", auth)
	}
}

// A profile turns PAR and request objects on by their field names, and
// names the PAR endpoint with its provider; a value that is neither on nor
// off is refused, naming the profile.
func TestProfilePushedAndSignedRequests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	raw := `{"profiles":[
	  {"name":"fapi","provider":{"kind":"endpoints","auth_url":"https://f.example/auth","token_url":"https://f.example/token","par_url":"https://f.example/par"},
	   "client_id":"c","par":"on","request_object":"on","private_key_file":"/keys/c.pem"},
	  {"name":"bad","provider":{"kind":"endpoints","auth_url":"https://f.example/auth","token_url":"https://f.example/token"},"client_id":"c","par":"yes"}]}`
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err := store.LoadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ps[0].Draft(flows.AuthorizationCode)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Params.PAR || !d.Params.RequestObject || d.Params.Provider.PARURL != "https://f.example/par" {
		t.Errorf("par %v, request object %v, PAR URL %q", d.Params.PAR, d.Params.RequestObject, d.Params.Provider.PARURL)
	}
	if _, err := ps[1].Draft(flows.AuthorizationCode); err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("par=yes: %v", err)
	}
}

// A profile names its TLS client certificate and key by path, and an
// mTLS auth style; the draft then holds both and checks clean.
func TestProfileClientCertificate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	raw := `{"profiles":[{"name":"mtls","provider":{"kind":"endpoints","token_url":"https://m.example/token","ca_file":"/keys/ca.pem"},
	   "client_id":"c","auth_style":"tls_client_auth","tls_cert_file":"/keys/c.pem","tls_key_file":"/keys/c-key.pem"}]}`
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err := store.LoadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ps[0].Draft(flows.ClientCredentials)
	if err != nil {
		t.Fatal(err)
	}
	p := d.Params
	if p.AuthStyle != flows.AuthTLSClient || p.TLSCertFile != "/keys/c.pem" || p.TLSKeyFile != "/keys/c-key.pem" || p.Provider.CAFile != "/keys/ca.pem" {
		t.Fatalf("%+v", p)
	}
	if errs := d.Check(); len(errs) != 0 {
		t.Fatalf("check: %v", errs)
	}
}
