package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

func mainOut(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, IO{Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// privateDirs gives a test its own config and state directories.
func privateDirs(t *testing.T) string {
	t.Helper()
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	return cfg
}

// demoKeyFile saves what `authplay demo-server --print-client-key` prints.
func demoKeyFile(t *testing.T) string {
	t.Helper()
	code, out, errs := mainOut("demo-server", "--print-client-key")
	if code != ExitOK || !strings.Contains(errs, "published demo material") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	if out != spacetest.DemoClientKeyPEM {
		t.Fatalf("--print-client-key printed something else than the demo key:\n%s", out)
	}
	path := filepath.Join(t.TempDir(), "demo-key.pem")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// authplay token with private_key_jwt against the built-in server, with
// the printed demo key: a token, the decoded assertion under --verbose,
// and neither the key nor the assertion on the screen.
func TestTokenWithPrivateKeyJWT(t *testing.T) {
	srv := spacetest.Start(t)
	privateDirs(t)
	key := demoKeyFile(t)
	code, out, errs := mainOut("token", "--flow", "client_credentials", "--issuer", srv.URL, "--client-id", spacetest.DemoJWTClientID,
		"--auth-style", "private_key_jwt", "--private-key-file", key, "--output", "access_token", "--verbose")
	if code != ExitOK || !jwtcheck.LooksLikeJWT(strings.TrimSpace(out)) {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	for _, want := range []string{"Client assertion (RFC 7523 §2.2)", "iss  demo-jwt-app", "aud  " + srv.URL + "/oauth/token", "client_assertion=•", "private key"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--verbose lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "PRIVATE KEY") || strings.Contains(errs, "eyJhbGciOiJSUzI1NiIs") {
		t.Errorf("stderr shows the key or the assertion:\n%s", errs)
	}

	// A key the server does not hold: refused, and the fix names the key it does.
	other := filepath.Join(t.TempDir(), "other.pem")
	if code, _, errs := mainOut("keygen", "--out", other); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, errs)
	}
	code, out, errs = mainOut("token", "--flow", "client_credentials", "--issuer", srv.URL, "--client-id", spacetest.DemoJWTClientID,
		"--auth-style", "private_key_jwt", "--private-key-file", other)
	if code != ExitFailed || out != "" || !strings.Contains(errs, "invalid_client") || !strings.Contains(errs, "fix: Sign with the") || !strings.Contains(errs, "key") {
		t.Errorf("wrong key: exit %d, stdout %q, stderr %s", code, out, errs)
	}

	// Without a key file, or with one that is not a key: usage errors
	// that name the flag, before anything is sent.
	code, _, errs = mainOut("token", "--flow", "client_credentials", "--issuer", srv.URL, "--client-id", spacetest.DemoJWTClientID, "--auth-style", "private_key_jwt")
	if code != ExitUsage || !strings.Contains(errs, "--private-key-file") || !strings.Contains(errs, "keygen") {
		t.Errorf("no key file: exit %d, %s", code, errs)
	}
	notKey := filepath.Join(t.TempDir(), "cert.pem")
	os.WriteFile(notKey, []byte(spacetest.DemoClientCertPEM), 0o600) //nolint:errcheck
	code, _, errs = mainOut("token", "--flow", "client_credentials", "--issuer", srv.URL, "--client-id", spacetest.DemoJWTClientID, "--auth-style", "private_key_jwt", "--private-key-file", notKey)
	if code != ExitUsage || !strings.Contains(errs, "--private-key-file") || !strings.Contains(errs, "certificate") {
		t.Errorf("a certificate for a key: exit %d, %s", code, errs)
	}
}

// client_secret_jwt with demo-jwt-app's 32-byte secret works; demo-app's
// 11-byte one is refused before sending, naming RFC 7518 §3.2.
func TestTokenWithClientSecretJWT(t *testing.T) {
	srv := spacetest.Start(t)
	privateDirs(t)
	t.Setenv("CS", spacetest.DemoJWTClientSecret)
	code, out, errs := mainOut("token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoJWTClientID,
		"--client-secret-env", "CS", "--auth-style", "client_secret_jwt", "--output", "access_token", "--verbose")
	if code != ExitOK || !strings.Contains(errs, "HS256, an HMAC keyed with the client secret: •••") || strings.Contains(errs, spacetest.DemoJWTClientSecret) {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	t.Setenv("CS", spacetest.DemoClientSecret)
	code, _, errs = mainOut("token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID,
		"--client-secret-env", "CS", "--auth-style", "client_secret_jwt")
	if code != ExitUsage || !strings.Contains(errs, "RFC 7518 §3.2") || !strings.Contains(errs, "--client-secret-env") {
		t.Errorf("a short secret: exit %d, %s", code, errs)
	}
}

// keygen writes a 0600 key in a 0700 directory under the config
// directory, prints its public JWK, never overwrites, and the key it made
// works from a profile that names it by path.
func TestKeygen(t *testing.T) {
	cfg := privateDirs(t)
	code, out, errs := mainOut("keygen", "--ec")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var jwk map[string]any
	if err := json.Unmarshal([]byte(out), &jwk); err != nil || jwk["kty"] != "EC" || jwk["d"] != nil || jwk["kid"] == "" {
		t.Fatalf("stdout is not a public JWK: %v\n%s", err, out)
	}
	dir := filepath.Join(cfg, "authplay", "keys")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("%s holds %v", dir, entries)
	}
	path := filepath.Join(dir, entries[0].Name())
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("%s is %v", dir, fi.Mode().Perm())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("%s is %v", path, fi.Mode().Perm())
	}
	if !strings.Contains(errs, path) || !strings.Contains(errs, "--private-key-file '"+path+"'") || !strings.Contains(errs, `"private_key_file"`) {
		t.Errorf("stderr does not say where the key is and how to use it:\n%s", errs)
	}
	key, err := flows.LoadClientKey(path)
	if err != nil || key.Thumbprint() != jwk["kid"] {
		t.Fatalf("the key file: %v", err)
	}
	before, _ := os.ReadFile(path)
	if code, _, errs := mainOut("keygen", "--out", path); code != ExitFailed || !strings.Contains(errs, "never overwrites") {
		t.Errorf("second keygen over the same file: exit %d, %s", code, errs)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the key was overwritten")
	}

	// A profile references the demo key by path, as keygen says to.
	srv := spacetest.Start(t)
	profiles, _ := store.ProfilesPath()
	if err := store.SaveProfiles(profiles, []store.Profile{{
		Name: "jwt", Provider: flows.Provider{Kind: flows.KindSpace, ServiceURL: srv.URL}, ClientID: spacetest.DemoJWTClientID,
		AuthStyle: "private_key_jwt", PrivateKeyFile: demoKeyFile(t), Scope: "**",
	}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = mainOut("token", "--flow", "client_credentials", "--profile", "jwt", "--output", "access_token")
	if code != ExitOK || !jwtcheck.LooksLikeJWT(strings.TrimSpace(out)) {
		t.Errorf("a profile naming the key file: exit %d, %s", code, errs)
	}
}

// `authplay token --help` names the new client authentication styles and
// the flags of the signing key.
func TestTokenHelpShowsKeyAuthentication(t *testing.T) {
	code, _, errs := mainOut("token", "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"private_key_jwt", "client_secret_jwt", "-private-key-file", "-key-id"} {
		if !strings.Contains(errs, want) {
			t.Errorf("token --help lacks %q", want)
		}
	}
	if code, _, errs := mainOut("--help"); code != ExitOK || !strings.Contains(errs, "authplay keygen") {
		t.Errorf("authplay --help does not list keygen: %s", errs)
	}
}
