package flows_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// acmeNoSteps is a preset whose registration steps are not written yet.
var acmeNoSteps = flows.Preset{ID: "acme-bare", Name: "Acme Bare", Console: "the Bare console › Clients"}

func provider(f flows.Family) flows.Provider {
	p := flows.Provider{Name: string(f), Kind: flows.KindEndpoints, Family: f, TokenURL: "https://as.example/token", AuthURL: "https://as.example/auth"}
	switch f {
	case flows.FamilySpace:
		p.Kind, p.Family = flows.KindSpace, ""
	case flows.FamilyBuiltin:
		p.Kind, p.Family, p.Builtin = flows.KindSpace, "", true
	case flows.FamilyOIDC:
		p.Kind, p.Family = flows.KindDiscovery, ""
	}
	return p
}

// Refreshing without a refresh token is refused before anything is sent,
// with advice in the provider's own terms.
func TestNoRefreshTokenAdviceFitsTheFamily(t *testing.T) {
	flows.UsePresetForTest(t, acme)
	for _, f := range []flows.Family{flows.FamilySpace, flows.FamilyBuiltin, flows.FamilyOIDC, flows.FamilyOAuth2, acme.ID} {
		t.Run(string(f), func(t *testing.T) {
			m, err := flows.New(flows.Start(flows.RefreshToken, flows.Params{Provider: provider(f), ClientID: "c"}), flows.Credentials{})
			if err != nil {
				t.Fatal(err)
			}
			_, ok, err := m.Pending(flows.Input{})
			if ok || err == nil || !strings.Contains(err.Error(), "no refresh token") {
				t.Fatalf("pending: %v %v", ok, err)
			}
			msg := err.Error()
			switch f {
			case flows.FamilySpace, flows.FamilyBuiltin:
				if !strings.Contains(msg, "access_type=offline") {
					t.Errorf("Space's way to a refresh token is missing: %s", msg)
				}
			case flows.FamilyOIDC:
				noSpaceWords(t, "the error", msg)
				if !strings.Contains(msg, "offline_access") {
					t.Errorf("OpenID Connect's way to a refresh token is missing: %s", msg)
				}
			case flows.FamilyOAuth2:
				noSpaceWords(t, "the error", msg)
			case acme.ID:
				noSpaceWords(t, "the error", msg)
				if !strings.Contains(msg, strings.TrimSuffix(acme.Quirks[0], ".")) {
					t.Errorf("the preset's refresh-token habit is missing: %s", msg)
				}
			}
		})
	}
}

// The sentence after a code exchange that brought no refresh token.
func TestRefreshWordsFitTheFamily(t *testing.T) {
	flows.UsePresetForTest(t, acme)
	for _, c := range []struct {
		provider   flows.Provider
		accessType string
		scope      string
		want       string
		space      bool
	}{
		{provider(flows.FamilySpace), "", "**", "access_type=offline", true},
		{provider(flows.FamilySpace), "offline", "**", "only the first time", true},
		{provider(flows.FamilyBuiltin), "", "**", "access_type=offline", true},
		// A Space reached by explicit endpoints is still Space.
		{flows.Provider{Kind: flows.KindEndpoints, Family: flows.FamilySpace}, "", "", "access_type=offline", true},
		{provider(flows.FamilyOIDC), "", "openid", "offline_access", false},
		{provider(flows.FamilyOIDC), "", "openid offline_access", "although the scope asked for offline_access", false},
		{provider(flows.FamilyOAuth2), "", "", "refresh token", false},
		{provider(acme.ID), "", "openid", acme.Quirks[0], false},
	} {
		p := flows.Params{Provider: c.provider, AccessType: c.accessType, Scope: c.scope}
		got := flows.RefreshWords(flows.Token{}, p)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s/%q/%q: %q does not say %q", c.provider.FamilyOf(), c.accessType, c.scope, got, c.want)
		}
		if !c.space {
			noSpaceWords(t, string(c.provider.FamilyOf()), got)
		}
	}
	if got := flows.RefreshWords(flows.Token{RefreshToken: "rt"}, flows.Params{Provider: provider(flows.FamilyOIDC)}); !strings.Contains(got, "issued a refresh token") {
		t.Errorf("a refresh token that came: %q", got)
	}
}

// Registration steps in the provider's own terms: Space's screens for
// Space, no registration for the built-in server, the preset's steps for a
// preset, the standard concepts for any other server.
func TestRegistrationStepsFitTheFamily(t *testing.T) {
	flows.UsePresetForTest(t, acme)
	flows.UsePresetForTest(t, acmeNoSteps)
	for _, f := range []flows.Family{flows.FamilySpace, flows.FamilyBuiltin, flows.FamilyOIDC, flows.FamilyOAuth2, acme.ID, acmeNoSteps.ID} {
		for _, mi := range flows.Methods() {
			m := mi.Method
			t.Run(string(f)+"/"+string(m), func(t *testing.T) {
				p := flows.Params{Provider: provider(f), ClientID: "my-app", Scope: "openid", RedirectURI: "http://127.0.0.1:0/callback"}
				steps := flows.Registration(m, p)
				all := strings.Join(steps, "\n")
				if len(steps) == 0 {
					t.Fatal("no steps")
				}
				switch f {
				case flows.FamilySpace:
					if !strings.Contains(all, "Extensions › Installed › New application") {
						t.Errorf("Space's steps do not name Space's screens:\n%s", all)
					}
				case flows.FamilyBuiltin:
					if !strings.Contains(steps[0], "needs no registration") {
						t.Errorf("the built-in server's first step does not say it needs no registration: %s", steps[0])
					}
					namesKnownDemo(t, steps[0])
					if m == flows.Password && !strings.Contains(steps[0], "demo (password demo)") {
						t.Errorf("the password grant's step does not name a user to sign in as: %s", steps[0])
					}
				case acme.ID:
					noSpaceWords(t, "a preset's steps", all)
					for _, s := range acme.Steps {
						if !slices.Contains(steps, s) {
							t.Errorf("the preset's step %q is not among:\n%s", s, all)
						}
					}
				case acmeNoSteps.ID:
					noSpaceWords(t, "a preset's steps", all)
					if !strings.Contains(all, acmeNoSteps.Console) {
						t.Errorf("a preset without steps does not name its console:\n%s", all)
					}
				default:
					noSpaceWords(t, "a standard server's steps", all)
					if m != flows.PermanentToken && !strings.Contains(all, "allowed grant types") {
						t.Errorf("the steps do not name the client's allowed grant types:\n%s", all)
					}
					if flows.RedirectToRegister(m, p) != "" && !strings.Contains(all, "registered redirect URIs") {
						t.Errorf("the steps do not name the registered redirect URIs:\n%s", all)
					}
				}
			})
		}
	}
}

// Every preset's registration steps name a redirect URI a console takes:
// never port 0, which means "any free port" to authplay and nothing to a
// provider's console.
func TestPresetStepsRegisterNoPortZero(t *testing.T) {
	for _, pr := range flows.Presets() {
		for _, p := range []flows.Params{{}, {RedirectURI: pr.Redirect}} {
			p.Provider = flows.Provider{Family: pr.ID, Kind: flows.KindEndpoints}
			p.ClientID = "my-app"
			all := strings.Join(flows.Registration(flows.AuthorizationCode, p), "\n")
			if strings.Contains(all, ":0/") {
				t.Errorf("%s asks to register port 0:\n%s", pr.ID, all)
			}
		}
	}
}
