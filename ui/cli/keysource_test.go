package cli_test

import (
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/hostiletest"
)

// keySourceArgs are `authplay token` for the client credentials grant
// against the key-source servers, with the given way to know the server.
func keySourceArgs(k *hostiletest.KeySource, server ...string) []string {
	args := []string{"token", "--flow", "client_credentials", "--client-id", hostiletest.ClientID, "--client-secret-env", "CS",
		"--output", "access_token", "--timeout", "20s"}
	return append(args, server...)
}

// `authplay token --strict` never takes a forger's word for where its keys
// are: a token signed by the forger, whose iss, jku, x5u and embedded jwk
// all lead to the forger's host, fails with its signature named, and that
// host gets no request, whether the keys are configured (--jwks-url), come
// from the configured issuer's discovery (--issuer), or are not known. The
// server's own token passes (the control).
func TestStrictNeverTakesKeysFromTheToken(t *testing.T) {
	k := hostiletest.NewKeySource(t)
	env := []string{"CS=" + hostiletest.ClientSecret}
	ways := map[string][]string{
		"--jwks-url": {"--token-url", k.Server.URL + "/token", "--jwks-url", k.Server.URL + "/jwks"},
		"--issuer":   {"--issuer", k.Server.URL},
		"no key set": {"--token-url", k.Server.URL + "/token"},
	}
	for name, server := range ways {
		t.Run(name, func(t *testing.T) {
			k.Answer(k.Forge(hostiletest.ServerKeyID, k.Claims("api")), k.Forge(hostiletest.ServerKeyID, k.Claims(hostiletest.ClientID)))
			k.ForgerHits.Store(0)
			r := authplay(t, nil, nil, env, append(keySourceArgs(k, server...), "--strict")...)
			wantMark := "check FAIL signature"
			if name == "no key set" {
				wantMark = "check ---- signature"
			}
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, wantMark) || strings.Contains(r.stderr, "check ok   signature") {
				t.Errorf("exit %d (want 1), stdout %q, want %q on stderr:\n%s", r.code, r.stdout, wantMark, r.stderr)
			}
			r = authplay(t, nil, nil, env, keySourceArgs(k, server...)...) // without --strict: the offline checks only
			if r.code != 0 {
				t.Errorf("without --strict: exit %d\n%s", r.code, r.stderr)
			}
			if n := k.ForgerHits.Load(); n != 0 {
				t.Errorf("the forger's host got %d request(s)", n)
			}
		})
	}
	t.Run("control", func(t *testing.T) {
		claims := k.Claims(hostiletest.ClientID)
		claims["iss"] = k.Server.URL
		k.Answer(k.Genuine(claims), k.Genuine(claims))
		r := authplay(t, nil, nil, env, append(keySourceArgs(k, "--issuer", k.Server.URL), "--strict", "--verbose")...)
		if r.code != 0 || !strings.Contains(r.stderr, "check ok   signature") {
			t.Errorf("the server's own token: exit %d\n%s", r.code, r.stderr)
		}
	})
}
