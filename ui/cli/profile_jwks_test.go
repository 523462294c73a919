package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// A saved profile that lists its endpoints by hand (kind endpoints) and
// names a key set verifies the signatures of the access token and the ID
// token end to end: the profile is written to profiles.json by the store,
// read back by `authplay token --profile`, and --strict passes against the
// built-in server. The same profile with another server's key set fails
// --strict on both signatures, so the pass came from the profile's key set.
func TestProfileWithEndpointsAndKeySetVerifiesSignatures(t *testing.T) {
	s := spacetest.Start(t)
	other := hostiletest.NewKeySource(t) // a real key set, of another key
	cfg := t.TempDir()
	path := filepath.Join(cfg, "authplay", "profiles.json")
	profile := func(name, jwks string) store.Profile {
		return store.Profile{Name: name, ClientID: spacetest.DemoClientID, ClientSecret: "env:CS", Scope: "openid",
			Username: spacetest.DemoUsername, Password: "env:PW",
			Provider: flows.Provider{Kind: flows.KindEndpoints, Issuer: s.URL, AuthURL: s.URL + "/oauth/auth", TokenURL: s.URL + "/oauth/token", JWKSURL: jwks}}
	}
	if err := store.SaveProfiles(path, []store.Profile{profile("by-hand", s.URL+"/oauth/jwks.json"), profile("wrong-keys", other.Server.URL+"/jwks")}); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CONFIG_HOME=" + cfg, "CS=" + spacetest.DemoClientSecret, "PW=" + spacetest.DemoPassword}
	args := func(name string) []string {
		return []string{"token", "--flow", "password", "--profile", name, "--strict", "--verbose", "--output", "json"}
	}
	r := authplay(t, nil, nil, env, args("by-hand")...)
	if r.code != 0 || !strings.Contains(r.stdout, `"id_token":"eyJ`) {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"check ok   signature", "check ok   id_token signature", "check ok   id_token iss", "/oauth/jwks.json"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	r = authplay(t, nil, nil, env, args("wrong-keys")...)
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "check FAIL signature") || !strings.Contains(r.stderr, "check FAIL id_token signature") {
		t.Fatalf("another server's key set: exit %d (want 1) stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}
