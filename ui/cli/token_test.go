package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

func TestTokenCommand(t *testing.T) {
	srv := spacetest.Start(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("CS", spacetest.DemoClientSecret)
	var out, errb bytes.Buffer
	code := Main([]string{"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--output", "access_token"}, IO{Out: &out, Err: &errb})
	if code != ExitOK || !jwtcheck.LooksLikeJWT(strings.TrimSpace(out.String())) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	t.Setenv("CS", "s3cr3t-must-not-leak")
	out.Reset()
	errb.Reset()
	code = Main([]string{"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS"}, IO{Out: &out, Err: &errb})
	if code != ExitFailed || out.Len() != 0 || !strings.Contains(errb.String(), "invalid_client") || strings.Contains(errb.String(), "s3cr3t-must-not-leak") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	if code := Main([]string{"token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", "x", "--client-secret-env", "UNSET_VAR_FOR_TEST"}, IO{Out: &out, Err: &errb}); code != ExitUsage {
		t.Fatalf("unset variable: exit %d", code)
	}
}
