package flows_test

import (
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// acme is a preset made up for the tests: the real table is filled
// elsewhere, and the words must come from whatever the table holds.
var acme = flows.Preset{
	ID: "acme-test", Name: "Acme Identity", Issuer: "https://{tenant}.acme.test",
	AuthURL: "https://{tenant}.acme.test/oauth2/authorize", TokenURL: "https://{tenant}.acme.test/oauth2/token",
	DeviceURL: "https://{tenant}.acme.test/oauth2/device",
	Console:   "the Acme admin portal › Applications",
	Redirect:  "http://127.0.0.1/callback (any port)",
	Steps: []string{
		"In the Acme admin portal, open Applications › New and choose Native app.",
		"Under Sign-in redirect URIs, add http://127.0.0.1/callback.",
	},
	Quirks: []string{"Acme sends a refresh token only with prompt=consent and the scope offline."},
	Scope:  "openid profile",
}

func noSpaceWords(t *testing.T, what, s string) {
	t.Helper()
	for _, w := range []string{"Space", "**", "Extensions ›", "access_type"} {
		if strings.Contains(s, w) {
			t.Errorf("%s says %q: %s", what, w, s)
		}
	}
}

// Where each error code can occur: the methods whose steps can meet it.
var codeMethods = map[string][]flows.Method{
	"invalid_client":            {flows.ClientCredentials, flows.AuthorizationCode, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"unauthorized_client":       {flows.ClientCredentials, flows.AuthorizationCode, flows.Implicit, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"invalid_scope":             {flows.ClientCredentials, flows.AuthorizationCode, flows.Implicit, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"invalid_grant":             {flows.ClientCredentials, flows.AuthorizationCode, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"invalid_request":           {flows.ClientCredentials, flows.AuthorizationCode, flows.Implicit, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"unsupported_grant_type":    {flows.ClientCredentials, flows.AuthorizationCode, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.TokenExchange, flows.JWTBearer},
	"unsupported_response_type": {flows.AuthorizationCode, flows.Implicit},
	"access_denied":             {flows.ClientCredentials, flows.AuthorizationCode, flows.Implicit, flows.Password, flows.DeviceCode},
	"expired_token":             {flows.DeviceCode},
	"authorization_pending":     {flows.DeviceCode},
	"slow_down":                 {flows.DeviceCode},
	"temporarily_unavailable":   {flows.AuthorizationCode, flows.Implicit, flows.ClientCredentials},
	"server_error":              {flows.AuthorizationCode, flows.Implicit, flows.ClientCredentials, flows.DeviceCode},
	"authentication-required":   {flows.ClientCredentials, flows.AuthorizationCode, flows.PermanentToken},
	"permission-denied":         {flows.ClientCredentials, flows.AuthorizationCode, flows.PermanentToken},
	"invalid_token":             {flows.ClientCredentials, flows.AuthorizationCode, flows.PermanentToken},
	"insufficient_scope":        {flows.ClientCredentials, flows.AuthorizationCode, flows.PermanentToken},
	"invalid_dpop_proof":        {flows.ClientCredentials, flows.AuthorizationCode, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.PermanentToken},
	"use_dpop_nonce":            {flows.ClientCredentials, flows.AuthorizationCode, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.PermanentToken},
	"invalid_request_uri":       {flows.AuthorizationCode},
	"invalid_request_object":    {flows.AuthorizationCode},
	"x_not_a_known_code":        {flows.ClientCredentials, flows.AuthorizationCode},
	"unsupported_token_type":    {flows.TokenExchange},
	"invalid_target":            {flows.TokenExchange},
}

// descriptions the codes come with, where the advice depends on them.
var codeDescriptions = map[string][]string{
	"invalid_grant": {"the assertion's jti was already used", "the assertion is signed by a key that is not registered for issuer demo-app",
		"the subject token is bound to a key (cnf)"},
	"unauthorized_client": {"the flow is not enabled for this application", "redirect_uri is not registered"},
	"invalid_scope":       {"scope is wider than what the client may have", "the application is not authorized in project DEMO"},
	"invalid_dpop_proof":  {"demo-dpop-app must send a DPoP proof (a DPoP header) with every token request"},
}

// namesAPlace says whether the advice for a code, in a method, is about a
// client's settings, and so must name where they live in the family's
// words: Space's screens, the built-in server's demo registrations, the
// preset's console, the standard concept.
func namesAPlace(code string, m flows.Method) bool {
	switch code {
	case "invalid_client", "unauthorized_client", "invalid_scope", "permission-denied", "insufficient_scope":
		return true
	case "invalid_grant":
		return m == flows.Password || m == flows.ClientCredentials
	case "access_denied":
		return m != flows.DeviceCode
	}
	return false
}

// Every code the explainer knows, for every family, in every method where
// the code can occur: advice in the family's words, fitted to the method.
func TestEveryExplainerRowForEveryFamily(t *testing.T) {
	flows.UsePresetForTest(t, acme)
	families := []flows.Family{flows.FamilySpace, flows.FamilyBuiltin, flows.FamilyOIDC, flows.FamilyOAuth2, acme.ID}
	codes := append(flows.KnownErrorCodes(), "x_not_a_known_code")
	for _, code := range codes {
		methods, ok := codeMethods[code]
		if !ok {
			t.Errorf("the explainer knows %s, but this test does not say where it occurs", code)
			continue
		}
		for _, desc := range append([]string{""}, codeDescriptions[code]...) {
			for _, f := range families {
				for _, m := range methods {
					ec := flows.ExplainContext{Family: f, Method: m, ClientID: "my-app", RedirectURI: "http://127.0.0.1:53682/callback", Scope: "openid email", Endpoint: "https://as.example/token"}
					d := flows.Explain(&flows.OAuthError{Code: code, Description: desc}, ec)
					t.Run(code+"/"+desc+"/"+string(f)+"/"+string(m), func(t *testing.T) {
						checkRow(t, code, desc, f, m, d)
					})
				}
			}
		}
	}
}

func checkRow(t *testing.T, code, desc string, f flows.Family, m flows.Method, d *flows.Diagnosis) {
	t.Helper()
	all := d.Fix + "\n" + d.Cause
	if d.Fix == "" || d.Code != code {
		t.Fatalf("no fix, or the wrong code: %+v", d)
	}
	hasCause(t, d)
	if code == "x_not_a_known_code" {
		if !strings.Contains(d.Cause, code) {
			t.Errorf("an unknown code's cause does not name it: %s", d.Cause)
		}
		return
	}
	place := namesAPlace(code, m)
	redirect := strings.Contains(desc, "redirect")
	switch f {
	case flows.FamilySpace:
		if place && !strings.Contains(d.Fix, "Space") {
			t.Errorf("Space's fix does not speak of Space: %s", d.Fix)
		}
		if place && code != "invalid_grant" && code != "access_denied" && !strings.Contains(d.Fix, "Extensions › Installed › my-app") {
			t.Errorf("Space's fix does not name Space's screen: %s", d.Fix)
		}
	case flows.FamilyBuiltin:
		if strings.Contains(all, "Extensions ›") || strings.Contains(all, "in Space") {
			t.Errorf("the built-in server's advice names Space's screens:\n%s", all)
		}
		if place {
			namesKnownDemo(t, d.Fix)
		}
	default:
		noSpaceWords(t, "a standard server's advice", all)
		if f == acme.ID && place && !strings.Contains(d.Fix, acme.Console) {
			t.Errorf("the preset's fix does not name its console %q: %s", acme.Console, d.Fix)
		}
		if f != acme.ID && strings.Contains(all, acme.Console) {
			t.Errorf("a family that is not the preset hears of its console: %s", all)
		}
		standardConcept := map[string]string{"invalid_client": "client_secret_basic", "invalid_scope": "allowed scopes", "unauthorized_client": "allowed grant types"}[code]
		if redirect && code == "unauthorized_client" {
			standardConcept = "registered redirect URIs"
		}
		if standardConcept != "" && !strings.Contains(d.Fix, standardConcept) {
			t.Errorf("the fix does not name the standard concept %q: %s", standardConcept, d.Fix)
		}
	}
	fitsMethod(t, code, f, m, d)
}

// fitsMethod: advice about a grant speaks of that grant.
func fitsMethod(t *testing.T, code string, f flows.Family, m flows.Method, d *flows.Diagnosis) {
	t.Helper()
	all := d.Fix + "\n" + d.Cause
	has := func(words ...string) {
		t.Helper()
		for _, w := range words {
			if !strings.Contains(all, w) {
				t.Errorf("%s advice in %s does not say %q:\n%s", code, m, w, all)
			}
		}
	}
	hasNot := func(words ...string) {
		t.Helper()
		for _, w := range words {
			if strings.Contains(all, w) {
				t.Errorf("%s advice in %s says %q:\n%s", code, m, w, all)
			}
		}
	}
	switch code {
	case "invalid_grant":
		switch m {
		case flows.Password:
			has("password")
			hasNot("PKCE", "verifier", "redirect", "refresh token")
		case flows.RefreshToken:
			has("refresh token", "Authorization Code")
			hasNot("PKCE", "verifier", "username")
		case flows.AuthorizationCode:
			has("code", "redirect_uri", "code_verifier")
			hasNot("password", "refresh token")
		case flows.DeviceCode:
			has("device code")
			hasNot("PKCE", "password", "redirect")
		case flows.ClientCredentials:
			hasNot("PKCE", "password", "redirect", "refresh token")
		case flows.TokenExchange:
			has("subject token")
			hasNot("PKCE", "verifier", "redirect")
		case flows.JWTBearer:
			has("assertion")
			hasNot("PKCE", "verifier", "redirect", "password")
		}
	case "access_denied":
		switch m {
		case flows.Password:
			hasNot("Accept", "consent", "verification page")
			if f == flows.FamilyBuiltin {
				has("demo (password demo)")
			} else {
				has("account")
			}
		case flows.DeviceCode:
			has("verification page")
		case flows.AuthorizationCode, flows.Implicit:
			if !strings.Contains(all, "Accept") && !strings.Contains(all, "approve") {
				t.Errorf("browser-flow refusal does not say to approve:\n%s", all)
			}
		case flows.ClientCredentials:
			hasNot("Accept", "consent", "sign in")
		}
	}
}

// The context of a failed step carries the family, the method and, when
// discovery was used, what discovery gives for the endpoint called.
func TestStateExplainContext(t *testing.T) {
	prov := flows.Provider{Kind: flows.KindDiscovery, TokenURL: "https://as.example/t", DeviceURL: "https://as.example/d",
		Advertised: &flows.Metadata{TokenEndpoint: "https://as.example/token", DeviceEndpoint: "https://as.example/device"}}
	st := flows.Start(flows.DeviceCode, flows.Params{Provider: prov, ClientID: "my-app", Scope: "openid", RedirectURI: "http://127.0.0.1:0/callback"})
	for _, c := range []struct{ endpoint, name, advertised string }{
		{"https://as.example/t", "token endpoint", "https://as.example/token"},
		{"https://as.example/d", "device authorization endpoint", "https://as.example/device"},
		{"http://127.0.0.1:0/callback", "redirect URI", ""},
		{"https://elsewhere.example/x", "", ""},
		{"", "", ""},
	} {
		ec := st.ExplainContext(c.endpoint)
		if ec.Family != flows.FamilyOIDC || ec.Method != flows.DeviceCode || ec.ClientID != "my-app" || ec.Scope != "openid" || ec.Endpoint != c.endpoint {
			t.Errorf("%s: %+v", c.endpoint, ec)
		}
		if ec.EndpointName != c.name || ec.Advertised != c.advertised {
			t.Errorf("%s: named %q (discovery %q), want %q (%q)", c.endpoint, ec.EndpointName, ec.Advertised, c.name, c.advertised)
		}
	}
}
