package spacetest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

func TestDiscoveryAdvertisesTheExtensions(t *testing.T) {
	s := spacetest.Start(t)
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		d := do(t, nil, mustRequest(t, "GET", s.URL+path)).body
		has := func(key string, want ...string) {
			t.Helper()
			got, _ := d[key].([]any)
			for _, w := range want {
				if !slices.Contains(got, any(w)) {
					t.Errorf("%s %s = %v, missing %s", path, key, d[key], w)
				}
			}
		}
		has("token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post", "none", "private_key_jwt", "client_secret_jwt")
		has("token_endpoint_auth_signing_alg_values_supported", "RS256", "PS256", "ES256", "HS256")
		has("introspection_endpoint_auth_methods_supported", "private_key_jwt")
		has("revocation_endpoint_auth_methods_supported", "private_key_jwt")
		has("dpop_signing_alg_values_supported", "ES256", "RS256", "PS256", "EdDSA")
		has("request_object_signing_alg_values_supported", "RS256", "ES256", "HS256")
		has("grant_types_supported", "authorization_code", spacetest.GrantTypeTokenExchange, spacetest.GrantTypeJWTBearer)
		if d["pushed_authorization_request_endpoint"] != s.URL+"/oauth/par" || d["require_pushed_authorization_requests"] != false ||
			d["request_parameter_supported"] != true || d["request_uri_parameter_supported"] != false {
			t.Errorf("%s: %v", path, d)
		}
		if d["mtls_endpoint_aliases"] != nil {
			t.Errorf("aliases without WithTLS: %v", d["mtls_endpoint_aliases"])
		}
	}
}

// The extensions' registrations come after Space's, each saying what it
// shows; Space's own six are as they were.
func TestExtensionRegistrations(t *testing.T) {
	s := spacetest.Start(t)
	var ids []string
	for _, a := range s.Apps() {
		ids = append(ids, a.ClientID)
		if a.About == "" || a.Name == "" {
			t.Errorf("%s has no About or Name", a.ClientID)
		}
	}
	want := []string{spacetest.DemoClientID, spacetest.DemoPublicClientID, spacetest.DemoNoCodeFlowID, spacetest.DemoPendingRightsID,
		spacetest.DemoNoRightsID, spacetest.DemoNotInProjectID, spacetest.DemoJWTClientID, spacetest.DemoDPoPClientID, spacetest.DemoMTLSClientID}
	if !slices.Equal(ids, want) {
		t.Fatalf("registrations %v, want %v", ids, want)
	}
	home := newBrowser(t).get(s.URL + "/")
	for _, id := range want[6:] {
		if !strings.Contains(home.body, id) {
			t.Errorf("the home page does not list %s", id)
		}
	}
}

// A state file from before the extensions (version 1) holds demo-app
// without them; its registrations are not brought back, so the extensions
// work on a directory an older authplay wrote.
func TestOldStateFileDoesNotHideTheExtensions(t *testing.T) {
	dir := t.TempDir()
	old := `{"version": 1, "addr": "", "apps": [{"client_id": "demo-app", "client_secret": "demo-secret", "name": "Demo App",
	  "client_credentials": true, "code_flow": true, "requested_rights": ["**"], "authorized_rights": ["**"], "projects": ["*"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s := spacetest.Start(t, spacetest.WithDir(dir))
	r := post(t, nil, s.URL+"/oauth/token", bearerGrant(sign(t, demoRSA(t), jose.RS256, nil, grantAssertion(s, "demo"))), basic(spacetest.DemoClientID, spacetest.DemoClientSecret))
	if r.status != 200 {
		t.Fatalf("the JWT-bearer grant after an old state file: %d %v", r.status, r.body)
	}
}
