package flows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
)

// The presets whose endpoints come from a discovery document: each test
// reads discovery through the preset's issuer template, runs a flow with
// the preset's defaults, and shows the quirk.

func oidcDoc(issuer, authorize, token string) func() map[string]any {
	return func() map[string]any {
		return map[string]any{"issuer": issuer, "authorization_endpoint": authorize, "token_endpoint": token,
			"code_challenge_methods_supported": []string{"S256"}}
	}
}

func wantsOffline(q url.Values) bool {
	return slices.Contains(strings.Fields(q.Get("scope")), "offline_access")
}

func TestPresetGitLab(t *testing.T) {
	n := newFakeNet(t)
	e := newEmulator("https://gitlab.com")
	e.rotate, e.expiresIn = true, 7200
	mux := http.NewServeMux()
	discovery(mux, "/.well-known/openid-configuration", oidcDoc("https://gitlab.com", "https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token"))
	e.routes(mux, "/oauth/authorize", "/oauth/token", "")
	n.serve(mux, "gitlab.com")
	env := n.env()
	p := presetParams(t, n, "gitlab", nil) // the url's default is gitlab.com
	if p.Provider.APIBase != "https://gitlab.com/api/v4" {
		t.Errorf("API base %q", p.Provider.APIBase)
	}
	m, err := signIn(t, n, env, p)
	if err != nil {
		t.Fatal(err)
	}
	first := m.State().Token.RefreshToken
	run(t, m, env, flows.Input{Action: flows.ActionRefresh})
	newest := m.State().Token.RefreshToken
	if newest == "" || newest == first || m.State().Rotated == nil || !*m.State().Rotated {
		t.Fatalf("a GitLab refresh returns a new refresh token, which authplay keeps: rotated %v", m.State().Rotated)
	}
	// Without keeping the newest: the spent one is refused.
	old, _ := flows.New(flows.State{Method: flows.RefreshToken, Params: p, Seed: first}, presetCreds)
	if _, err := old.Next(context.Background(), env, flows.Input{}); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("the spent refresh token should be refused, got %v", err)
	}
	run(t, m, env, flows.Input{Action: flows.ActionRefresh})
}

func TestPresetAuth0(t *testing.T) {
	const domain = "dev-authplay.us.auth0.com"
	n := newFakeNet(t)
	e := newEmulator("https://" + domain)
	e.access = func(q url.Values) string {
		if a := q.Get("audience"); a != "" {
			return fakeJWT(map[string]any{"iss": "https://" + domain + "/", "aud": []string{a, "https://" + domain + "/userinfo"}, "sub": "auth0|1"})
		}
		return opaque() // good only for /userinfo
	}
	mux := http.NewServeMux()
	discovery(mux, "/.well-known/openid-configuration", oidcDoc("https://"+domain+"/", "https://"+domain+"/authorize", "https://"+domain+"/oauth/token"))
	e.routes(mux, "/authorize", "/oauth/token", "")
	n.serve(mux, domain)
	env := n.env()
	p := presetParams(t, n, "auth0", map[string]string{"domain": domain, "audience": "https://api.example.test"})
	tok := mustSignIn(t, n, env, p)
	j, err := jwtcheck.Decode(tok.AccessToken.Reveal())
	if err != nil || !slices.Contains(j.Audience(), "https://api.example.test") {
		t.Fatalf("with the preset's audience the access token is a JWT for that API: %v", err)
	}
	noAudience := presetParams(t, n, "auth0", map[string]string{"domain": domain})
	if strings.Contains(noAudience.Provider.AuthURL, "audience") {
		t.Fatalf("an empty audience is not sent: %s", noAudience.Provider.AuthURL)
	}
	if tok := mustSignIn(t, n, env, noAudience); jwtcheck.LooksLikeJWT(tok.AccessToken.Reveal()) {
		t.Fatal("the emulator gave a JWT without audience: the quirk is not emulated")
	}
}

func TestPresetOkta(t *testing.T) {
	const domain = "dev-123456.okta.com"
	n := newFakeNet(t)
	e := newEmulator("https://" + domain)
	e.refreshFor = wantsOffline
	mux := http.NewServeMux()
	base := "https://" + domain + "/oauth2/default"
	discovery(mux, "/oauth2/default/.well-known/openid-configuration", oidcDoc(base, base+"/v1/authorize", base+"/v1/token"))
	// The org authorization server at the bare domain is another issuer.
	discovery(mux, "/.well-known/openid-configuration", oidcDoc("https://"+domain, "https://"+domain+"/oauth2/v1/authorize", "https://"+domain+"/oauth2/v1/token"))
	e.routes(mux, "/oauth2/default/v1/authorize", "/oauth2/default/v1/token", "")
	n.serve(mux, domain)
	env := n.env()
	p := presetParams(t, n, "okta", map[string]string{"domain": domain})
	if p.Provider.Issuer != base {
		t.Fatalf("the preset's issuer is the default custom authorization server, got %q", p.Provider.Issuer)
	}
	if tok := mustSignIn(t, n, env, p); tok.RefreshToken == "" {
		t.Fatal("the preset's scope has offline_access, which brings a refresh token")
	}
	p.Scope = "openid profile"
	if tok := mustSignIn(t, n, env, p); tok.RefreshToken != "" {
		t.Fatal("the emulator gave a refresh token without offline_access: the quirk is not emulated")
	}
}

func TestPresetKeycloak(t *testing.T) {
	n := newFakeNet(t)
	mux := http.NewServeMux()
	// Keycloak is often local, over plain http: a plain test server.
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := newEmulator(srv.URL)
	realm := srv.URL + "/realms/dev"
	discovery(mux, "/realms/dev/.well-known/openid-configuration", oidcDoc(realm, realm+"/protocol/openid-connect/auth", realm+"/protocol/openid-connect/token"))
	e.routes(mux, "/realms/dev/protocol/openid-connect/auth", "/realms/dev/protocol/openid-connect/token", "")
	env := n.env()
	p := presetParams(t, n, "keycloak", map[string]string{"url": srv.URL + "/", "realm": "dev"})
	if p.Provider.Issuer != realm {
		t.Fatalf("issuer %q, want the realm's path", p.Provider.Issuer)
	}
	mustSignIn(t, n, env, p)
	// Without the realm's path there is nothing to discover.
	if _, _, err := flows.Discover(context.Background(), n.client(), srv.URL); err == nil {
		t.Fatal("the bare Keycloak address has no discovery document in the emulator: the quirk is not emulated")
	}
}

func TestPresetCognito(t *testing.T) {
	const pool, region = "eu-west-1_AbC123xyz", "eu-west-1"
	const idp, domain = "cognito-idp." + region + ".amazonaws.com", "authplay-test.auth." + region + ".amazoncognito.com"
	n := newFakeNet(t)
	e := newEmulator("https://" + domain)
	e.refuse = func(q url.Values) string {
		// Only registered callback URLs, and http:// only for localhost.
		if u, err := url.Parse(q.Get("redirect_uri")); err != nil || u.Scheme == "http" && u.Hostname() != "localhost" {
			return "redirect_mismatch"
		}
		return ""
	}
	mux := http.NewServeMux()
	discovery(mux, "/"+pool+"/.well-known/openid-configuration", oidcDoc("https://"+idp+"/"+pool, "https://"+domain+"/oauth2/authorize", "https://"+domain+"/oauth2/token"))
	e.routes(mux, "/oauth2/authorize", "/oauth2/token", "")
	n.serve(mux, idp, domain)
	env := n.env()
	p := presetParams(t, n, "cognito", map[string]string{"region": region, "pool": pool})
	m, err := signIn(t, n, env, p)
	if err != nil {
		t.Fatal(err)
	}
	if sent := m.State().RedirectURI; !strings.HasPrefix(sent, "http://localhost:") {
		t.Fatalf("the preset's redirect names localhost, got %s", sent)
	}
	// The generic default, 127.0.0.1, is what Cognito refuses.
	p.RedirectURI = "http://127.0.0.1:0/callback"
	if _, err := signIn(t, n, env, p); err == nil || !strings.Contains(err.Error(), "redirect_mismatch") {
		t.Fatalf("want Cognito's redirect_mismatch for 127.0.0.1, got %v", err)
	}
}
