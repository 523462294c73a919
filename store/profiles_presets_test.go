package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

func writeProfiles(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadParams(t *testing.T, path, name string) flows.Params {
	t.Helper()
	ps, err := store.LoadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.FindProfile(ps, name)
	if err != nil {
		t.Fatal(err)
	}
	params, err := p.Params()
	if err != nil {
		t.Fatal(err)
	}
	return params
}

// Profiles written before families and presets load as they did: a family
// implied by the kind brings no preset defaults.
func TestProfilesFromBeforePresetsLoadUnchanged(t *testing.T) {
	path := writeProfiles(t, `{"profiles": [
	  {"name": "bare-space", "provider": {"kind": "space", "service_url": "https://acme.jetbrains.space"}, "client_id": "c"},
	  {"name": "keycloak-dev", "provider": {"kind": "discovery", "service_url": "http://localhost:8080/realms/dev", "issuer": "http://localhost:8080/realms/dev"},
	   "client_id": "playground", "auth_style": "body", "scope": "openid profile"},
	  {"name": "typed", "provider": {"kind": "endpoints", "token_url": "https://as.example/token", "jwks_url": "https://as.example/keys"}, "client_id": "t"}
	]}`)
	sp := loadParams(t, path, "bare-space")
	if sp.Scope != "" || sp.AccessType != "" || sp.RedirectURI != "http://127.0.0.1:0/callback" || sp.Provider.Family != "" || sp.Provider.FamilyOf() != flows.FamilySpace {
		t.Fatalf("a Space profile without family got preset defaults: %+v", sp)
	}
	kc := loadParams(t, path, "keycloak-dev")
	if kc.AuthStyle != flows.AuthBody || kc.Scope != "openid profile" || kc.Provider.FamilyOf() != flows.FamilyOIDC || kc.Provider.APIBase != "" {
		t.Fatalf("%+v", kc)
	}
	typed := loadParams(t, path, "typed")
	d := flows.Draft{Params: typed}
	if d.Get(flows.FieldJWKSURL) != "https://as.example/keys" || typed.Provider.FamilyOf() != flows.FamilyOAuth2 {
		t.Fatalf("a profile's key set URL reaches the draft: %+v", typed.Provider)
	}
}

// A profile that names a preset's family starts from the preset, and what
// the profile says wins.
func TestProfileWithPresetFamily(t *testing.T) {
	path := writeProfiles(t, `{"profiles": [
	  {"name": "gh", "provider": {"family": "github"}, "client_id": "Iv1.x"},
	  {"name": "gh-own", "provider": {"family": "github"}, "client_id": "Iv1.x", "scope": "repo", "redirect_uri": "http://127.0.0.1:9000/cb", "auth_style": "basic"},
	  {"name": "pool", "provider": {"kind": "discovery", "family": "cognito", "issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC",
	   "auth_url": "https://x.auth.eu-west-1.amazoncognito.com/oauth2/authorize", "token_url": "https://x.auth.eu-west-1.amazoncognito.com/oauth2/token"}, "client_id": "c"}
	]}`)
	gh := loadParams(t, path, "gh")
	if gh.Provider.TokenURL != "https://github.com/login/oauth/access_token" || gh.Provider.DeviceURL != "https://github.com/login/device/code" ||
		gh.AuthStyle != flows.AuthBody || gh.Scope != "read:user" || gh.Provider.Kind != flows.KindEndpoints || gh.ClientID != "Iv1.x" {
		t.Fatalf("the GitHub preset did not fill the profile: %+v", gh)
	}
	own := loadParams(t, path, "gh-own")
	if own.Scope != "repo" || own.RedirectURI != "http://127.0.0.1:9000/cb" || own.AuthStyle != flows.AuthBasic {
		t.Fatalf("the profile's own settings must win: %+v", own)
	}
	pool := loadParams(t, path, "pool")
	if pool.RedirectURI != "http://localhost:8765/callback" || pool.Provider.AuthURL != "https://x.auth.eu-west-1.amazoncognito.com/oauth2/authorize" {
		t.Fatalf("Cognito's localhost redirect: %+v", pool)
	}
}

func TestProfileWithUnknownFamilyIsRefused(t *testing.T) {
	path := writeProfiles(t, `{"profiles": [{"name": "typo", "provider": {"kind": "endpoints", "family": "githb", "token_url": "https://x/token"}}]}`)
	_, err := store.LoadProfiles(path)
	if err == nil || !strings.Contains(err.Error(), `"githb"`) || !strings.Contains(err.Error(), "github") || !strings.Contains(err.Error(), "typo") {
		t.Fatalf("want an error naming the profile, the family and the choices, got %v", err)
	}
}
