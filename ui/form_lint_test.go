package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// A server whose discovery document lists only the code flow and Basic
// client authentication: what the form plans against it is linted before
// anything is sent.
func TestFormLintsAgainstTheDiscoveryDocument(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		origin := "http://" + r.Host // not srv.URL: see TestLintBeforeSending
		io.WriteString(w, `{"issuer":"`+origin+`","authorization_endpoint":"`+origin+`/authorize","token_endpoint":"`+origin+`/token",
			"grant_types_supported":["authorization_code"],"token_endpoint_auth_methods_supported":["client_secret_post"],
			"scopes_supported":["openid","profile"],"code_challenge_methods_supported":["S256"]}`)
	}))
	t.Cleanup(srv.Close)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	deps := fuzzDeps(spacetest.Start(t), st, loopback.New(), stop, t.TempDir())
	deps.Profiles, deps.Flow = nil, flows.ClientCredentials
	deps.Profile = Profile{Name: "lint", Params: flows.Params{ClientID: "c", Scope: "openid email", AuthStyle: flows.AuthBasic,
		Provider: flows.Provider{Name: "lint", Kind: flows.KindDiscovery, Issuer: srv.URL, AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}},
		Creds: flows.Credentials{ClientSecret: "s"}}
	h := newHarness(t, deps, 80, 24, stop)
	h.keep = true
	t.Cleanup(h.close)
	h.until("the document read", 10*time.Second, func() bool {
		f, ok := h.app.screen.(*form)
		return ok && f.draft.Params.Provider.Advertised != nil
	})
	small := strings.Join(strings.Fields(view(h.app)), " ")
	if !strings.Contains(small, "⚠ the server does not list client_credentials among its grant types") {
		t.Errorf("at 80×24 the lint gave way:\n%s", view(h.app))
	}
	h.w, h.h = 120, 40
	h.deliver(tea.WindowSizeMsg{Width: 120, Height: 40})
	screen := strings.Join(strings.Fields(view(h.app)), " ")
	for _, want := range []string{
		"checked against the server's discovery document",
		"⚠ the server does not list client_credentials among its grant types (authorization_code)",
		"⚠ the server does not list client authentication client_secret_basic (it lists client_secret_post)",
		`⚠ scope "email" is not among those the server lists`,
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the form does not say %q:\n%s", want, view(h.app))
		}
	}
}
