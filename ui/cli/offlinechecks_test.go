package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/jwtcheck"
)

// A check that costs no network and fails (an access token's iss or exp,
// an ID token's aud or at_hash) is never silent: without --strict the token
// is printed (exit 0) with exactly one warning line on stderr naming the
// check; with --strict the token is refused (exit 1). The tokens are
// correctly signed by the configured server, so only the named check fails.
func TestFailedOfflineCheckWarnsOnceOrFailsStrict(t *testing.T) {
	k := hostiletest.NewKeySource(t)
	good := func(aud string) map[string]any {
		c := k.Claims(aud)
		c["iss"] = k.Server.URL
		return c
	}
	cases := []struct {
		check      string
		access, id func() map[string]any
	}{
		{check: "iss", access: func() map[string]any {
			c := good("api")
			c["iss"] = "https://another-server.example"
			return c
		}},
		{check: "exp", access: func() map[string]any {
			c := good("api")
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			return c
		}},
		{check: "aud", access: func() map[string]any { return good("api") }, id: func() map[string]any { return good("another-client") }},
		{check: "at_hash", access: func() map[string]any { return good("api") }, id: func() map[string]any {
			c := good(hostiletest.ClientID)
			c["at_hash"], _ = jwtcheck.HalfHash("RS256", "some-other-access-token")
			return c
		}},
	}
	env := []string{"CS=" + hostiletest.ClientSecret}
	for _, c := range cases {
		t.Run(c.check, func(t *testing.T) {
			at, id := k.Genuine(c.access()), ""
			if c.id != nil {
				id = k.Genuine(c.id())
			}
			k.Answer(at, id)
			args := keySourceArgs(k, "--issuer", k.Server.URL)
			r := authplay(t, nil, nil, env, args...)
			var warnings []string
			for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if strings.Contains(l, "warning") {
					warnings = append(warnings, l)
				}
			}
			switch {
			case r.code != 0 || strings.TrimSpace(r.stdout) != at:
				t.Errorf("without --strict: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			case len(warnings) != 1:
				t.Errorf("without --strict: %d warning lines, want 1:\n%s", len(warnings), r.stderr)
			case !strings.HasPrefix(warnings[0], "authplay: warning: token check failed: ") || !strings.Contains(warnings[0], c.check+" ("):
				t.Errorf("the warning does not name %s: %s", c.check, warnings[0])
			}
			verdict := "check FAIL " + c.check
			if c.id != nil {
				verdict = "check FAIL id_token " + c.check
			}
			r = authplay(t, nil, nil, env, append(args, "--strict")...)
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, verdict) {
				t.Errorf("--strict: exit %d (want 1), stdout %q, want %q:\n%s", r.code, r.stdout, verdict, r.stderr)
			}
		})
	}
}

// Under --strict an opaque access token is "not applicable", not a
// failure: only its server can judge it, so it is printed with exit 0.
func TestStrictTakesAnOpaqueTokenAsNotApplicable(t *testing.T) {
	k := hostiletest.NewKeySource(t)
	k.Answer("opaque-access-token-0123456789", "")
	r := authplay(t, nil, nil, []string{"CS=" + hostiletest.ClientSecret}, append(keySourceArgs(k, "--issuer", k.Server.URL), "--strict")...)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "opaque-access-token-0123456789" || !strings.Contains(r.stderr, "check n/a  format") ||
		strings.Contains(r.stderr, "FAIL") {
		t.Fatalf("exit %d (want 0), stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}
