package flows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// The explainer's advice, end to end: a real flow against a real server
// that refuses, and the diagnosis a person reads. Each test here is one of
// the leaks issue 13 lists, where Space's habits reached other servers.

// refusingServer is a standard server (dex, Keycloak, …) whose token
// endpoint refuses every request with one OAuth error.
func refusingServer(t *testing.T, status int, code, desc string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSONBody(w, status, map[string]any{"error": code, "error_description": desc})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// standardParams point a flow at srv's token endpoint as a server of the
// given family.
func standardParams(srv *httptest.Server, family flows.Family) flows.Params {
	return flows.Params{
		Provider: flows.Provider{Name: "standard", Kind: flows.KindEndpoints, Family: family, TokenURL: srv.URL + "/token", AuthURL: srv.URL + "/auth"},
		ClientID: "example-app", Scope: "openid profile groups", Username: "kilgore", RedirectURI: "http://127.0.0.1:0/callback",
	}
}

// diagnose runs the method's first step, which must fail, and returns what
// a person reads of the diagnosis.
func diagnose(t *testing.T, m flows.Method, p flows.Params, creds flows.Credentials) *flows.Diagnosis {
	t.Helper()
	mach, err := flows.New(flows.Start(m, p), creds)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := newEnv(t)
	step, err := mach.Next(ctx, env, flows.Input{})
	if err == nil || step.Diagnosis == nil {
		t.Fatalf("the step did not fail with a diagnosis: %v %+v", err, step)
	}
	return step.Diagnosis
}

// spaceHabits are words that belong to Space alone.
var spaceHabits = []string{"Space", "**", "Extensions ›", "access_type"}

func saysNoSpaceHabit(t *testing.T, d *flows.Diagnosis) {
	t.Helper()
	for _, w := range spaceHabits {
		if strings.Contains(d.Fix+" "+d.Cause, w) {
			t.Errorf("a standard server's diagnosis says %q:\nfix: %s\nwhy: %s", w, d.Fix, d.Cause)
		}
	}
}

// dex answers invalid_scope; only Space and the built-in server take **.
func TestInvalidScopeFromAStandardServerNeverSuggestsStarStar(t *testing.T) {
	srv := refusingServer(t, 400, "invalid_scope", "unrecognized scope(s) [groups]")
	for _, f := range []flows.Family{flows.FamilyOIDC, flows.FamilyOAuth2} {
		t.Run(string(f), func(t *testing.T) {
			d := diagnose(t, flows.ClientCredentials, standardParams(srv, f), flows.Credentials{ClientSecret: "s"})
			saysNoSpaceHabit(t, d)
			if !strings.Contains(d.Fix, "openid profile groups") {
				t.Errorf("the fix does not name the scope that was asked for: %s", d.Fix)
			}
		})
	}
}

func TestInvalidClientFromAStandardServerNamesTheStandardAuthStyles(t *testing.T) {
	srv := refusingServer(t, 401, "invalid_client", "")
	d := diagnose(t, flows.ClientCredentials, standardParams(srv, flows.FamilyOIDC), flows.Credentials{ClientSecret: "s"})
	saysNoSpaceHabit(t, d)
	if !strings.Contains(d.Fix, "client_secret_basic") || !strings.Contains(d.Fix, "client_secret_post") || !strings.Contains(d.Fix, "example-app") {
		t.Errorf("the fix does not name the client and the standard ways to send its secret: %s", d.Fix)
	}
}

// A wrong password is a wrong password: no codes, no PKCE.
func TestWrongPasswordGetsPasswordAdvice(t *testing.T) {
	t.Run("standard", func(t *testing.T) {
		srv := refusingServer(t, 400, "invalid_grant", "Invalid user credentials")
		d := diagnose(t, flows.Password, standardParams(srv, flows.FamilyOIDC), flows.Credentials{Password: "wrong"})
		saysNoSpaceHabit(t, d)
		passwordAdvice(t, d)
	})
	t.Run("builtin", func(t *testing.T) {
		s := newSpace(t)
		p := spaceParams(t, s)
		d := diagnose(t, flows.Password, withUser(p, "demo"), flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: "not-demo"})
		passwordAdvice(t, d)
		if !strings.Contains(d.Fix, "demo") || !strings.Contains(d.Fix, "alice") {
			t.Errorf("the built-in server's fix does not name its users: %s", d.Fix)
		}
	})
}

func withUser(p flows.Params, user string) flows.Params { p.Username = user; return p }

func passwordAdvice(t *testing.T, d *flows.Diagnosis) {
	t.Helper()
	if d.Code != "invalid_grant" {
		t.Fatalf("code %q, want invalid_grant", d.Code)
	}
	all := d.Fix + " " + d.Cause
	if !strings.Contains(d.Fix, "password") {
		t.Errorf("the fix does not talk about the password: %s", d.Fix)
	}
	for _, w := range []string{"PKCE", "verifier", "redirect", "code "} {
		if strings.Contains(all, w) {
			t.Errorf("password advice mentions %q:\n%s", w, all)
		}
	}
}

// The password grant has no page to press Accept on.
func TestAccessDeniedInThePasswordGrantFitsTheGrant(t *testing.T) {
	srv := refusingServer(t, 400, "access_denied", "")
	d := diagnose(t, flows.Password, standardParams(srv, flows.FamilyOAuth2), flows.Credentials{Password: "pw"})
	saysNoSpaceHabit(t, d)
	if strings.Contains(d.Fix+d.Cause, "Accept") || strings.Contains(d.Fix+d.Cause, "page") {
		t.Errorf("password-grant advice talks of a page to press:\nfix: %s\nwhy: %s", d.Fix, d.Cause)
	}
	if !strings.Contains(d.Fix, "account") || !strings.Contains(d.Fix, "example-app") {
		t.Errorf("the fix does not say whose account or which client to check: %s", d.Fix)
	}
}

// The built-in server has no admin screens: its fixes name its demo
// registrations, which exist to show these very errors.
func TestBuiltinFixesNameDemoRegistrationsNotSpaceScreens(t *testing.T) {
	s := newSpace(t)
	for _, c := range []struct {
		client, scope string
		method        flows.Method
		code          string
	}{
		{spacetest.DemoPendingRightsID, "global:Profile.View", flows.ClientCredentials, "invalid_scope"},
		{spacetest.DemoNoRightsID, "global:Profile.View", flows.ClientCredentials, "invalid_scope"},
		{spacetest.DemoNotInProjectID, "project:key:DEMO:Project.Issues.View", flows.ClientCredentials, "invalid_scope"},
		{"no-such-app", "**", flows.ClientCredentials, "invalid_client"},
		{spacetest.DemoPublicClientID, "**", flows.ClientCredentials, "invalid_client"},
	} {
		t.Run(c.client, func(t *testing.T) {
			p := spaceParams(t, s)
			p.ClientID, p.Scope = c.client, c.scope
			d := diagnose(t, c.method, p, demoCreds())
			if d.Code != c.code {
				t.Fatalf("code %q, want %q (%s)", d.Code, c.code, d.Raw)
			}
			if strings.Contains(d.Fix, "Extensions ›") || strings.Contains(d.Fix, "in Space") {
				t.Errorf("the built-in server's fix names Space's screens: %s", d.Fix)
			}
			namesKnownDemo(t, d.Fix)
		})
	}
}

// namesKnownDemo: the fix names a demo registration or user, and every
// demo name in it is one the built-in server really has.
func namesKnownDemo(t *testing.T, fix string) {
	t.Helper()
	known := []string{spacetest.DemoClientSecret, "demo-server"} // demo-server: the command, not a registration
	for _, a := range spacetest.DemoApps() {
		known = append(known, a.ClientID)
	}
	users := 0
	for _, u := range spacetest.DemoUsers() {
		if strings.Contains(fix, u.Username+" (password "+u.Password+")") {
			users++
		}
	}
	names := regexp.MustCompile(`demo-[a-z-]*[a-z]`).FindAllString(fix, -1)
	for _, n := range names {
		if !slices.Contains(known, n) {
			t.Errorf("the fix names %q, which the built-in server does not have: %s", n, fix)
		}
	}
	if len(names) == 0 && users == 0 {
		t.Errorf("the fix names no demo registration or user: %s", fix)
	}
}
