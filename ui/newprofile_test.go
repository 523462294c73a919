package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// profileDeps saves profiles to a real file and reads discovery over real
// HTTP, so a test sees what the screen writes and what loading it gives.
func profileDeps(t *testing.T) (Deps, string) {
	deps := goldenDeps()
	path := filepath.Join(t.TempDir(), "authplay", "profiles.json")
	deps.ProfilesPath = path
	deps.SaveProfile = func(p store.Profile) error { return store.AppendProfile(path, p) }
	deps.Env.HTTP = wire.NewClient(10 * time.Second)
	return deps, path
}

func typeIn(f Screen, s string) {
	for _, r := range s {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyIn(f Screen, code rune, times int) {
	for range times {
		f.Update(tea.KeyPressMsg{Code: code})
	}
}

// settle runs a command and what its results ask for, as the runtime
// would, and returns the messages meant for the app (not the screen).
func settle(t *testing.T, f Screen, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for cmd != nil {
		msg := cmd()
		cmd = nil
		switch msg.(type) {
		case discoveredMsg, savedMsg:
			_, cmd = f.Update(msg)
		default:
			out = append(out, msg)
		}
	}
	return out
}

func savedProfile(t *testing.T, path, name string) (store.Profile, flows.Params) {
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
	return p, params
}

func TestNewProfileOffersPresetsFirst(t *testing.T) {
	deps, path := profileDeps(t)
	a := goldenApp(t, deps)
	f := newProfileForm(a.k, a.nextID())
	show(a, f)
	f.Init()
	if v := view(a); !strings.Contains(v, "‹ GitHub ›") || !strings.Contains(v, "read:user") || !strings.Contains(v, "Register http://127.0.0.1/callback") {
		t.Fatalf("the first choice is the first preset, its scope and redirect shown:\n%s", v)
	}
	typeIn(f, "gh")
	keyIn(f, tea.KeyTab, 2) // provider, client ID
	typeIn(f, "Iv1.abc")
	_, cmd := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if msgs := settle(t, f, cmd); len(msgs) != 1 {
		t.Fatalf("want the saved-profile message, got %#v (error %q)", msgs, f.err)
	}
	saved, params := savedProfile(t, path, "gh")
	if saved.Provider.Family != "github" || params.Provider.TokenURL != "https://github.com/login/oauth/access_token" ||
		params.AuthStyle != flows.AuthBody || params.Scope != "read:user" || params.ClientID != "Iv1.abc" {
		t.Fatalf("saved %+v, loads as %+v", saved, params)
	}
}

// A preset with an issuer: its placeholders as rows, discovery read
// before saving, the family kept, a typed key set URL winning.
func TestNewProfileKeycloakReadsDiscovery(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	realm := srv.URL + "/realms/dev"
	mux.HandleFunc("GET /realms/dev/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": realm, "authorization_endpoint": realm + "/protocol/openid-connect/auth",
			"token_endpoint": realm + "/protocol/openid-connect/token", "jwks_uri": realm + "/protocol/openid-connect/certs"})
	})
	deps, path := profileDeps(t)
	a := goldenApp(t, deps)
	f := newProfileForm(a.k, a.nextID())
	show(a, f)
	f.Init()
	typeIn(f, "kc")
	keyIn(f, tea.KeyTab, 1)
	for f.get("provider") != "keycloak" {
		keyIn(f, tea.KeyRight, 1)
	}
	if v := view(a); !containsAll(v, "URL", "Realm", "openid profile") {
		t.Fatalf("Keycloak's rows:\n%s", v)
	}
	keyIn(f, tea.KeyTab, 1)
	typeIn(f, srv.URL)
	// Saving before the realm is given names it.
	_, cmd := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd != nil || !strings.Contains(f.err, "Keycloak needs realm") {
		t.Fatalf("want the missing realm named, got %q", f.err)
	}
	keyIn(f, tea.KeyTab, 1)
	typeIn(f, "dev")
	keyIn(f, tea.KeyTab, 1)
	typeIn(f, "playground")
	_, cmd = f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if msgs := settle(t, f, cmd); len(msgs) != 1 {
		t.Fatalf("not saved: %q", f.err)
	}
	saved, params := savedProfile(t, path, "kc")
	if saved.Provider.Family != "keycloak" || params.Provider.TokenURL != realm+"/protocol/openid-connect/token" ||
		params.Provider.JWKSURL != realm+"/protocol/openid-connect/certs" || params.Scope != "openid profile" {
		t.Fatalf("saved %+v", saved.Provider)
	}
}

// What was typed for one provider is still there after looking at
// another; the scope follows the provider until the person edits it.
func TestNewProfileKeepsTypedValuesAcrossProviders(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	f := newProfileForm(a.k, a.nextID())
	show(a, f)
	f.Init()
	keyIn(f, tea.KeyTab, 1)
	for f.get("provider") != "auth0" {
		keyIn(f, tea.KeyRight, 1)
	}
	keyIn(f, tea.KeyTab, 1)
	typeIn(f, "dev-x.us.auth0.com")
	for f.rows.focused().id != "provider" {
		keyIn(f, tea.KeyTab, 1)
	}
	keyIn(f, tea.KeyRight, 1) // Okta
	if f.get("scope") != "openid profile offline_access" || f.get("preset:okta:domain") != "" {
		t.Fatalf("Okta's scope, and its own domain row: scope %q domain %q", f.get("scope"), f.get("preset:okta:domain"))
	}
	keyIn(f, tea.KeyLeft, 1) // Auth0 again
	if f.get("preset:auth0:domain") != "dev-x.us.auth0.com" {
		t.Fatalf("the Auth0 domain typed before is gone: %q", f.get("preset:auth0:domain"))
	}
	for f.rows.focused().id != "scope" {
		keyIn(f, tea.KeyTab, 1)
	}
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	typeIn(f, " read:things")
	for f.rows.focused().id != "provider" {
		keyIn(f, tea.KeyTab, 1)
	}
	keyIn(f, tea.KeyRight, 1)
	if f.get("scope") != "openid profile email offline_access read:things" {
		t.Fatalf("an edited scope must stay: %q", f.get("scope"))
	}
}

func TestGoldenNewProfileEntra(t *testing.T) {
	deps := goldenDeps()
	deps.ProfilesPath = "/home/me/.config/authplay/profiles.json"
	a := goldenApp(t, deps)
	f := newProfileForm(a.k, a.nextID())
	show(a, f)
	f.Init()
	typeIn(f, "work")
	keyIn(f, tea.KeyTab, 1)
	for f.get("provider") != "entra" {
		keyIn(f, tea.KeyRight, 1)
	}
	keyIn(f, tea.KeyTab, 2) // tenant, client ID
	typeIn(f, "0f2c")
	f.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(f.err, "Microsoft Entra ID needs tenant") {
		t.Fatalf("want the missing tenant named, got %q", f.err)
	}
	golden.RequireEqual(t, view(a))
}

// Every provider's rows, with any row focused and an error showing, fit
// 80×24 with the help line still at the bottom.
func TestNewProfileFitsEightyByTwentyFour(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	f := newProfileForm(a.k, a.nextID())
	show(a, f)
	f.Init()
	keyIn(f, tea.KeyTab, 1)
	choices := len(f.fixed["provider"].choices)
	for c := range choices {
		for row := range f.rows.rows {
			for _, withErr := range []bool{false, true} {
				f.rows.setFocus(row)
				f.err = ""
				if withErr {
					f.err = "AWS Cognito pool \"eu-west-1_AbC123xyz\": a user pool ID starts with its region and an underscore (us-east-1_…)"
				}
				// The app cuts a body that is too long; the screen must not need it.
				_, room := a.bodySize()
				body := strings.Split(strings.TrimRight(ansi.Strip(f.View()), "\n"), "\n")
				if len(body) > room {
					t.Fatalf("choice %d (%s), row %s, error %v: %d lines for %d:\n%s", c, f.get("provider"), f.rows.focused().id, withErr, len(body), room, view(a))
				}
			}
		}
		f.rows.setFocus(1)
		keyIn(f, tea.KeyRight, 1)
	}
}
