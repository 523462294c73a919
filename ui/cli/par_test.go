package cli_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// parArgs run the code flow with PAR against the built-in server, its
// endpoints from discovery.
func parArgs(s *spacetest.Server, extra ...string) []string {
	return append([]string{"token", "--flow", "authorization_code", "--no-browser", "--issuer", s.URL,
		"--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--par"}, extra...)
}

// browserURLKeys are the parameter names of the address authplay printed
// for the browser.
func browserURLKeys(t *testing.T, stderr, prefix string) []string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, prefix) {
			u, err := url.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range u.Query() {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		}
	}
	t.Fatalf("no browser address printed:\n%s", stderr)
	return nil
}

// authplay token --par: the push shows under --verbose as a step of its
// own (POST to the PAR endpoint, 201), the printed address carries only
// client_id and request_uri, and the code it brings back becomes a token.
func TestTokenWithPAR(t *testing.T) {
	s := spacetest.Start(t)
	r := authplay(t, nil, approver(t, s), []string{"CS=" + spacetest.DemoClientSecret}, parArgs(s, "--verbose", "--output", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var tok map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil || tok["access_token"] == nil {
		t.Fatalf("stdout is not the token response: %q", r.stdout)
	}
	for _, want := range []string{"== Push the authorization request to the server (PAR)", "> POST " + s.URL + "/oauth/par", "< HTTP 201 Created", "RFC 9126 §2", "one-time reference"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--verbose lacks %q:\n%s", want, r.stderr)
		}
	}
	if keys := browserURLKeys(t, r.stderr, s.URL+"/oauth/auth?"); !slices.Equal(keys, []string{"client_id", "request_uri"}) {
		t.Errorf("the browser's address carries %v", keys)
	}
	if strings.Contains(r.stderr, spacetest.DemoClientSecret) {
		t.Errorf("stderr shows the secret:\n%s", r.stderr)
	}
}

// A request_uri used twice: the browser (a program here) takes the
// address once, then again; the server refuses the second on its own
// page, sending nothing back. The error copied from that page and pasted
// is explained, and the wait ends saying what a refused push means.
func TestTokenWithPARRequestURIUsedTwice(t *testing.T) {
	s := spacetest.Start(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	refused := make(chan string, 1)
	browse := func(line string) bool {
		if !strings.HasPrefix(line, s.URL+"/oauth/auth?") {
			return false
		}
		if _, err := s.ApproveAuthorization(line, spacetest.DemoUsername, true); err != nil { // used once, its redirect lost
			t.Error(err)
		}
		resp, err := http.PostForm(s.URL+"/demo/approve", url.Values{"authorization_url": {line}})
		if err != nil {
			t.Error(err)
			return true
		}
		var body struct{ Error, ErrorDescription string }
		json.NewDecoder(resp.Body).Decode(&body) //nolint:errcheck // checked below
		resp.Body.Close()
		refused <- body.Error
		go func() {
			io.WriteString(pw, body.Error+"\n") //nolint:errcheck // as a person copies it from the page
			pw.Close()
		}()
		return true
	}
	r := authplay(t, pr, browse, []string{"CS=" + spacetest.DemoClientSecret}, parArgs(s, "--timeout", "3s")...)
	if code := <-refused; code != "invalid_request_uri" {
		t.Fatalf("the server's second answer: %q", code)
	}
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"the server refused on its own page: invalid_request_uri", "fix: Run the flow again", "one authorization",
		"no redirect arrived", "a pushed request is good once"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// --par needs a PAR endpoint: without discovery, the flag that gives it
// is named before anything is sent; a value for the switch is refused.
func TestPARFlagErrors(t *testing.T) {
	s := spacetest.Start(t)
	r := authplay(t, nil, nil, []string{"CS=x"}, "token", "--flow", "authorization_code", "--space-url", s.URL, "--client-id", "demo-app", "--client-secret-env", "CS", "--par")
	if r.code != 2 || !strings.Contains(r.stderr, "--par-url") {
		t.Errorf("no PAR endpoint: exit %d\n%s", r.code, r.stderr)
	}
	r = authplay(t, nil, nil, nil, "token", "--flow", "client_credentials", "--space-url", s.URL, "--par")
	if r.code != 2 || !strings.Contains(r.stderr, "--par makes no sense for --flow client_credentials") {
		t.Errorf("--par for client credentials: exit %d\n%s", r.code, r.stderr)
	}
	r = authplay(t, nil, nil, nil, "token", "--flow", "authorization_code", "--par=maybe")
	if r.code != 2 || !strings.Contains(r.stderr, "=false to turn it off") {
		t.Errorf("--par=maybe: exit %d\n%s", r.code, r.stderr)
	}
}

// demoKeyPEM saves the published demo key, as `authplay demo-server
// --print-client-key` prints it, in a 0600 file.
func demoKeyPEM(t *testing.T) string {
	t.Helper()
	r := authplay(t, nil, nil, nil, "demo-server", "--print-client-key")
	if r.code != 0 || !strings.Contains(r.stdout, "PRIVATE KEY") {
		t.Fatalf("--print-client-key: exit %d\n%s", r.code, r.stderr)
	}
	path := filepath.Join(t.TempDir(), "client-key.pem")
	if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// authplay token --request-object: the authorization request signed with
// the key file, in the browser's URL (request=) or pushed with --par; the
// step shows it decoded under --verbose, and a token comes back.
func TestTokenWithRequestObject(t *testing.T) {
	s := spacetest.Start(t)
	key := demoKeyPEM(t)
	for _, c := range []struct {
		name     string
		par      bool
		urlKeys  []string
		pushSeen bool
	}{
		{"in the URL", false, []string{"client_id", "request"}, false},
		{"pushed", true, []string{"client_id", "request_uri"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"token", "--flow", "authorization_code", "--no-browser", "--issuer", s.URL, "--client-id", spacetest.DemoClientID,
				"--client-secret-env", "CS", "--request-object", "--private-key-file", key, "--verbose", "--output", "access_token"}
			if c.par {
				args = append(args, "--par")
			}
			r := authplay(t, nil, approver(t, s), []string{"CS=" + spacetest.DemoClientSecret}, args...)
			if r.code != 0 || !jwtcheck.LooksLikeJWT(strings.TrimSpace(r.stdout)) {
				t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			}
			if keys := browserURLKeys(t, r.stderr, s.URL+"/oauth/auth?"); !slices.Equal(keys, c.urlKeys) {
				t.Errorf("the browser's address carries %v", keys)
			}
			for _, want := range []string{"Request object (RFC 9101), decoded", "  state  ", "  iss  demo-app: who signed it", "  aud  " + s.URL} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("--verbose lacks %q:\n%s", want, r.stderr)
				}
			}
			if c.pushSeen != strings.Contains(r.stderr, "> POST "+s.URL+"/oauth/par") || strings.Contains(r.stderr, "PRIVATE KEY") {
				t.Errorf("push shown %v, or the key printed:\n%s", !c.pushSeen, r.stderr)
			}
		})
	}
}

// --request-object needs a key to sign with: without --private-key-file
// it is a usage error naming the flag, before anything is sent; a key the
// server does not hold is refused at the push and explained.
func TestRequestObjectFlagErrors(t *testing.T) {
	s := spacetest.Start(t)
	base := []string{"token", "--flow", "authorization_code", "--no-browser", "--issuer", s.URL, "--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--request-object"}
	r := authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret}, base...)
	if r.code != 2 || !strings.Contains(r.stderr, "--private-key-file") || !strings.Contains(r.stderr, "request object") {
		t.Errorf("no key: exit %d\n%s", r.code, r.stderr)
	}
	other := filepath.Join(t.TempDir(), "other.pem")
	if r := authplay(t, nil, nil, nil, "keygen", "--out", other, "--ec"); r.code != 0 {
		t.Fatalf("keygen: %s", r.stderr)
	}
	r = authplay(t, nil, nil, []string{"CS=" + spacetest.DemoClientSecret}, append(base, "--private-key-file", other, "--par")...)
	if r.code != 1 || !strings.Contains(r.stderr, "invalid_request_object") || !strings.Contains(r.stderr, "fix: Sign with the published demo key") {
		t.Errorf("a key the server does not hold: exit %d\n%s", r.code, r.stderr)
	}
	r = authplay(t, nil, nil, nil, "token", "--flow", "client_credentials", "--space-url", s.URL, "--request-object")
	if r.code != 2 || !strings.Contains(r.stderr, "--request-object makes no sense for --flow client_credentials") {
		t.Errorf("--request-object for client credentials: exit %d\n%s", r.code, r.stderr)
	}
}
