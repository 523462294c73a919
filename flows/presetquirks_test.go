package flows_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// Each preset's quirk is emulated by a small server (presetservers_test.go)
// on a pretend internet (presetnet_test.go); each test runs a flow with the
// preset's defaults and passes, then shows what goes wrong without the
// handling, which is how it proves the handling matters.

// presetParams builds a run from a preset as the new-profile screen does:
// the preset's provider (discovery read when it has an issuer) and
// defaults, the emulator's client, and the preset's extra authorization
// and token parameters as custom parameters.
func presetParams(t *testing.T, n *fakeNet, id flows.Family, values map[string]string) flows.Params {
	t.Helper()
	pr, ok := flows.PresetOf(id)
	if !ok {
		t.Fatalf("no preset %s", id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	prov, _, err := pr.Resolve(ctx, n.client(), values)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	p := pr.Params(prov)
	p.ClientID = emuClient
	p.RedirectURI = anyPort(p.RedirectURI)
	// As a saved profile does: the fixed parameters from Params, the
	// person's (Auth0's audience) on top.
	auth, token := pr.PersonalParams(values)
	p.AuthParams, p.TokenParams = p.AuthParams.Merge(auth), p.TokenParams.Merge(token)
	return p
}

// anyPort swaps a preset's fixed redirect port for a free one: a test must
// not depend on port 8765 being free. The emulators check the host and
// path, which is what the quirks are about.
func anyPort(redirect string) string {
	u, _ := url.Parse(redirect)
	u.Host = u.Hostname() + ":0"
	return u.String()
}

var presetCreds = flows.Credentials{ClientSecret: emuSecret}

// signIn runs the authorization code flow to its end; a provider that
// refuses the authorization request gives its page as the error.
func signIn(t *testing.T, n *fakeNet, env flows.Env, p flows.Params) (flows.Machine, error) {
	t.Helper()
	m, err := flows.New(flows.Start(flows.AuthorizationCode, p), presetCreds)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for m.State().Phase != flows.PhaseAuthorized {
		step, err := m.Next(ctx, env, flows.Input{})
		if err != nil {
			return m, err
		}
		if step.Name == "authorization_request" {
			if status, page := n.browse(m.State().AuthURL); status != http.StatusFound {
				return m, fmt.Errorf("the provider refused the authorization request: %d %s", status, page)
			}
		}
	}
	return m, nil
}

func mustSignIn(t *testing.T, n *fakeNet, env flows.Env, p flows.Params) *flows.Token {
	t.Helper()
	m, err := signIn(t, n, env, p)
	if err != nil {
		t.Fatal(err)
	}
	return m.State().Token
}

func without(p flows.Params, key string) flows.Params {
	p.AuthParams = slices.DeleteFunc(slices.Clone(p.AuthParams), func(c flows.CustomParam) bool { return c.Key == key })
	return p
}

func responseType(st flows.Step) string {
	for _, ex := range st.Exchanges {
		if ex.Response != nil {
			return strings.Join(ex.Response.Header["Content-Type"], ",")
		}
	}
	return ""
}

func TestPresetGitHub(t *testing.T) {
	n := newFakeNet(t)
	e := newEmulator("https://github.com")
	e.write, e.expiresIn, e.pendingStatus = formUnlessJSON, 0, http.StatusOK
	e.refreshFor = func(url.Values) bool { return false }
	mux := http.NewServeMux()
	e.routes(mux, "/login/oauth/authorize", "/login/oauth/access_token", "/login/device/code")
	n.serve(mux, "github.com")
	env := n.env()
	p := presetParams(t, n, "github", nil)

	t.Run("code flow, JSON asked for", func(t *testing.T) {
		tok := mustSignIn(t, n, env, p)
		if !tok.Expiry.IsZero() || tok.RefreshToken != "" {
			t.Fatalf("GitHub tokens have no expiry and no refresh token: %+v", tok)
		}
		if note := p.Provider.NoExpiryNote(); !strings.Contains(note, "do not expire") {
			t.Errorf("the inspector would say %q of a GitHub token", note)
		}
	})
	t.Run("a form-encoded answer is read too", func(t *testing.T) {
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), presetCreds)
		ctx := context.Background()
		for m.State().Phase != flows.PhaseExchanging {
			step, err := m.Next(ctx, env, flows.Input{})
			if err != nil {
				t.Fatal(err)
			}
			if step.Name == "authorization_request" {
				n.browse(m.State().AuthURL)
			}
		}
		req, _, _ := m.Pending(flows.Input{})
		req.Header.Del("Accept") // as a client that forgets it
		step, err := m.Next(ctx, env, flows.Input{Request: &req})
		if err != nil || m.State().Token == nil || m.State().Token.AccessToken == "" {
			t.Fatalf("form-encoded token response not read: %v", err)
		}
		if ct := responseType(step); !strings.Contains(ct, "x-www-form-urlencoded") {
			t.Fatalf("the emulator answered %q; without Accept: application/json GitHub sends a form", ct)
		}
	})
	t.Run("device flow at GitHub's paths, pending as HTTP 200", func(t *testing.T) {
		m, _ := flows.New(flows.Start(flows.DeviceCode, p), flows.Credentials{})
		for i := 0; m.State().Phase != flows.PhaseAuthorized; i++ {
			if i > 4 {
				t.Fatalf("stuck in %s", m.State().Phase)
			}
			run(t, m, env, flows.Input{})
		}
		if m.State().Device.Polls != 2 {
			t.Errorf("the first poll was pending; polls: %d", m.State().Device.Polls)
		}
	})
	t.Run("without Accept: application/json the device flow breaks", func(t *testing.T) {
		m, _ := flows.New(flows.Start(flows.DeviceCode, p), flows.Credentials{})
		req, _, _ := m.Pending(flows.Input{})
		req.Header.Del("Accept")
		if _, err := m.Next(context.Background(), env, flows.Input{Request: &req}); err == nil {
			t.Fatal("a form-encoded device authorization response was taken for JSON; the test no longer shows why Accept matters")
		}
	})
}

// googleEmulator gives a refresh token only for access_type=offline, and
// after the first consent only when prompt=consent asks for it again.
func googleEmulator(t *testing.T, n *fakeNet) {
	e := newEmulator("https://accounts.google.com")
	consented := false
	e.refreshFor = func(q url.Values) bool {
		if q.Get("access_type") != "offline" {
			return false
		}
		first := !consented
		consented = true
		return first || slices.Contains(strings.Fields(q.Get("prompt")), "consent")
	}
	mux := http.NewServeMux()
	discovery(mux, "/.well-known/openid-configuration", func() map[string]any {
		return map[string]any{"issuer": "https://accounts.google.com", "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
			"token_endpoint": "https://oauth2.googleapis.com/token", "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
			"jwks_uri": "https://www.googleapis.com/oauth2/v3/certs", "code_challenge_methods_supported": []string{"plain", "S256"}}
	})
	e.routes(mux, "/o/oauth2/v2/auth", "/token", "")
	n.serve(mux, "accounts.google.com", "oauth2.googleapis.com")
}

func TestPresetGoogle(t *testing.T) {
	n := newFakeNet(t)
	googleEmulator(t, n)
	env := n.env()
	p := presetParams(t, n, "google", nil)
	if p.Provider.TokenURL != "https://oauth2.googleapis.com/token" || p.Provider.Family != "google" {
		t.Fatalf("discovery through the preset: %+v", p.Provider)
	}
	if tok := mustSignIn(t, n, env, without(without(p, "access_type"), "prompt")); tok.RefreshToken != "" {
		t.Fatal("Google gave a refresh token without access_type=offline")
	}
	offlineOnly := without(p, "prompt")
	if tok := mustSignIn(t, n, env, offlineOnly); tok.RefreshToken == "" {
		t.Fatal("the first offline consent brings a refresh token")
	}
	if tok := mustSignIn(t, n, env, offlineOnly); tok.RefreshToken != "" {
		t.Fatal("the emulator should give no second refresh token without prompt=consent: the quirk is not emulated")
	}
	for range 2 {
		if tok := mustSignIn(t, n, env, p); tok.RefreshToken == "" {
			t.Fatal("with the preset's access_type=offline and prompt=consent every sign-in brings a refresh token")
		}
	}
}

const entraTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

// entraEmulator serves the v2.0 endpoints under a tenant path for an app
// registered in one tenant: /common is refused, as Entra does for a
// single-tenant app, and a refresh token needs offline_access.
func entraEmulator(t *testing.T, n *fakeNet) {
	e := newEmulator("https://login.microsoftonline.com")
	e.refreshFor = func(q url.Values) bool { return slices.Contains(strings.Fields(q.Get("scope")), "offline_access") }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("tenant") != entraTenant {
			http.Error(w, "AADSTS50194: Application is not configured as a multi-tenant application", http.StatusBadRequest)
			return
		}
		e.authorize(w, r)
	})
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", e.token)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		issuer := "https://login.microsoftonline.com/" + r.PathValue("tenant") + "/v2.0"
		if r.PathValue("tenant") == "common" || r.PathValue("tenant") == "organizations" {
			issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"
		}
		writeJSONBody(w, 200, map[string]any{"issuer": issuer, "token_endpoint": "https://login.microsoftonline.com/" + r.PathValue("tenant") + "/oauth2/v2.0/token"})
	})
	n.serve(mux, "login.microsoftonline.com")
}

func TestPresetEntra(t *testing.T) {
	n := newFakeNet(t)
	entraEmulator(t, n)
	env := n.env()
	p := presetParams(t, n, "entra", map[string]string{"tenant": entraTenant})
	if p.Provider.Issuer != "https://login.microsoftonline.com/"+entraTenant+"/v2.0" || !strings.Contains(p.Provider.TokenURL, "/"+entraTenant+"/oauth2/v2.0/") {
		t.Fatalf("a single tenant's v2.0 endpoints and issuer: %+v", p.Provider)
	}
	if tok := mustSignIn(t, n, env, p); tok.RefreshToken == "" {
		t.Fatal("the preset's scope has offline_access, which brings a refresh token")
	}
	noOffline := p
	noOffline.Scope = "openid profile User.Read"
	if tok := mustSignIn(t, n, env, noOffline); tok.RefreshToken != "" {
		t.Fatal("the emulator gave a refresh token without offline_access: the quirk is not emulated")
	}
	// A single-tenant app refuses /common; the tenant placeholder's hint says so.
	common := presetParams(t, n, "entra", map[string]string{"tenant": "common"})
	if common.Provider.Issuer != "" {
		t.Errorf("tokens from common name the user's tenant; no issuer can be expected: %q", common.Provider.Issuer)
	}
	if _, err := signIn(t, n, env, common); err == nil || !strings.Contains(err.Error(), "AADSTS50194") {
		t.Fatalf("want Entra's refusal of /common for a single-tenant app, got %v", err)
	}
	// Why the preset types the endpoints in: common's discovery issuer is a template.
	_, _, err := flows.Discover(context.Background(), n.client(), "https://login.microsoftonline.com/common/v2.0")
	if err == nil || !strings.Contains(err.Error(), "{tenantid}") {
		t.Fatalf("discovery of /common should fail on its templated issuer, got %v", err)
	}
}

func TestPresetSpace(t *testing.T) {
	s := newSpace(t)
	pr, _ := flows.PresetOf(flows.FamilySpace)
	prov, err := pr.Provider(map[string]string{"url": s.URL})
	if err != nil {
		t.Fatal(err)
	}
	p := pr.Params(prov)
	p.ClientID = spacetest.DemoClientID
	env := newEnv(t)
	signInSpace := func(p flows.Params) *flows.Token {
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
		for m.State().Phase != flows.PhaseAuthorized {
			if step := run(t, m, env, flows.Input{}); step.Name == "authorization_request" {
				approveHeadless(t, s, m.State().AuthURL)
			}
		}
		return m.State().Token
	}
	online := p
	online.AccessType = ""
	if tok := signInSpace(online); tok.RefreshToken != "" {
		t.Fatal("Space gave a refresh token without access_type=offline: the quirk is not emulated")
	}
	if tok := signInSpace(p); tok.RefreshToken == "" {
		t.Fatal("the preset's access_type=offline brings a refresh token")
	}
}

func TestPresetValuesAreChecked(t *testing.T) {
	for _, c := range []struct {
		id     flows.Family
		values map[string]string
		want   string
	}{
		{"entra", nil, "needs tenant"},
		{"entra", map[string]string{"tenant": "evil.example/x?"}, "only letters"},
		{"keycloak", map[string]string{"url": "http://localhost:8080", "realm": "../master"}, "only letters"},
		{"keycloak", map[string]string{"url": "localhost:8080", "realm": "dev"}, "https://"},
		{"auth0", map[string]string{"audience": "https://api"}, "needs domain"},
		{"cognito", map[string]string{"region": "eu-west-1", "pool": "us-east-1_AbC"}, "starts with its region"},
		{"space", map[string]string{"url": "https://acme.jetbrains.space?x=1"}, "without ? or #"},
	} {
		pr, _ := flows.PresetOf(c.id)
		_, err := pr.Provider(c.values)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: want an error saying %q, got %v", c.id, c.values, c.want, err)
		}
	}
}
