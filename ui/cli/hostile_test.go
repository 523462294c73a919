package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
)

// Every row of the shared hostile table, through `authplay token` as a
// script runs it: the exit code says what happened, stderr names it and
// holds no byte a terminal acts on, stdout holds the token exactly or
// nothing, no shell payload runs, nothing reaches the second host, and
// the browser opener is never handed anything but http(s).
func TestHostileTableHeadless(t *testing.T) {
	for _, row := range hostiletest.Rows() {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			s := row.Start(t)
			opener, openedLog := fakeOpener(t)
			p := row.Params(s)
			args := []string{"token", "--flow", string(row.Method), "--client-id", hostiletest.ClientID, "--client-secret-env", "CS",
				"--token-url", p.Provider.TokenURL, "--timeout", "8s", "--output", "access_token"}
			switch row.Method {
			case flows.AuthorizationCode:
				args = append(args, "--auth-url", p.Provider.AuthURL, "--no-browser")
			case flows.DeviceCode:
				args = append(args, "--device-url", p.Provider.DeviceURL)
			case flows.Password:
				args = append(args, "--username", hostiletest.Username, "--password-env", "PW")
			case flows.TokenExchange:
				args = append(args, "--subject-token-env", "ST")
			}
			if row.Style != "" {
				args = append(args, "--auth-style", string(row.Style))
			}
			if row.Scope != "" {
				args = append(args, "--scope", row.Scope)
			}
			if row.Strict {
				args = append(args, "--strict")
			}
			if row.Verbose {
				args = append(args, "--verbose")
			}
			if row.DPoP {
				args = append(args, "--dpop")
			}
			args = append(args, "--jwks-url", p.Provider.JWKSURL)
			env := []string{"CS=" + hostiletest.ClientSecret, "PW=" + hostiletest.Password, "ST=" + hostiletest.SubjectToken, "PATH=" + opener, "DISPLAY=:99"}
			browse := func(line string) bool {
				if strings.HasPrefix(line, p.Provider.AuthURL+"?") {
					go row.Browse(line) //nolint:errcheck // the flow reports what arrives
					return true
				}
				return false
			}
			start := time.Now()
			r := authplay(t, nil, browse, env, args...)
			if took := time.Since(start); took > 40*time.Second {
				t.Errorf("took %s", took)
			}
			wantCode := 0
			if row.Want.Fail {
				wantCode = 1
			}
			if r.code != wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %q\nstderr:\n%s", r.code, wantCode, r.stdout, r.stderr)
			}
			if err := hostiletest.Terminal([]byte(r.stderr)); err != nil {
				t.Errorf("stderr: %v", err)
			}
			if err := hostiletest.Terminal([]byte(strings.TrimSuffix(r.stdout, "\n"))); err != nil {
				t.Errorf("stdout: %v", err)
			}
			for _, want := range []string{row.Want.Shown, row.Want.Warning} {
				if want != "" && !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			switch tok := row.Want.Token; {
			case row.Want.Fail && r.stdout != "":
				t.Errorf("a failed flow printed %q", r.stdout)
			case tok == "(shell token)":
				if got := strings.TrimSuffix(r.stdout, "\n"); got != hostiletest.ShellToken(s.Marker) {
					t.Errorf("token %q, want it exactly", got)
				}
				runCurlLine(t, row, s, args, env)
			case tok != "" && tok != "(any)" && strings.TrimSuffix(r.stdout, "\n") != tok:
				t.Errorf("stdout %q, want %q", r.stdout, tok)
			}
			if n := s.OtherHits.Load(); n != 0 {
				t.Errorf("%d request(s) reached the second host", n)
			}
			if strings.Contains(r.stderr+r.stdout, hostiletest.ClientSecret) || strings.Contains(r.stderr+r.stdout, hostiletest.Password) || strings.Contains(r.stderr+r.stdout, hostiletest.SubjectToken) {
				t.Error("a secret was printed")
			}
			if b, err := os.ReadFile(openedLog); err == nil {
				for _, u := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					if u != "" && flows.OpenableURL(u) != nil {
						t.Errorf("the browser was asked to open %q", u)
					}
				}
			}
			if s.MarkerExists() {
				t.Error("a shell payload ran")
			}
		})
	}
}

// runCurlLine prints the token as a curl line and runs it in bash, with a
// curl that only records its arguments: the token arrives as one argument
// and nothing else runs.
func runCurlLine(t *testing.T, row hostiletest.Row, s *hostiletest.Servers, args, env []string) {
	t.Helper()
	for i, a := range args {
		if a == "--output" {
			args[i+1] = "curl"
		}
	}
	r := authplay(t, nil, nil, env, append(args, "--api-base", s.Main.URL+"/api")...)
	if r.code == 2 { // --api-base makes no sense for this flow: say the API base another way
		r = authplay(t, nil, nil, env, args...)
	}
	if r.code != 0 {
		t.Fatalf("--output curl: exit %d\n%s", r.code, r.stderr)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> " + log + "; done\n"
	if err := os.WriteFile(filepath.Join(dir, "curl"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", r.stdout)
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(log)
	if !strings.Contains(string(got), "\x00Authorization: Bearer "+hostiletest.ShellToken(s.Marker)+"\x00") {
		t.Errorf("curl did not get the token as one argument: %q", got)
	}
}

// fakeOpener puts an xdg-open first on PATH that logs each address it is
// asked to open, so a test sees what a browser would have been given.
func fakeOpener(t *testing.T) (path, log string) {
	t.Helper()
	dir := t.TempDir()
	log = filepath.Join(dir, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + log + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH"), log
}

// A client secret sent over plain http to another machine (reached here
// through HTTP_PROXY, as a real one would be) is warned about on stderr;
// --strict refuses to send it.
func TestPlainHTTPToAnotherMachineHeadless(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"at","token_type":"Bearer"}`)) //nolint:errcheck
	}))
	defer srv.Close()
	proxy := hostiletest.NewProxy(t, srv.URL)
	env := []string{"CS=s3cret", "HTTP_PROXY=" + proxy.URL, "http_proxy=" + proxy.URL, "NO_PROXY=", "no_proxy="}
	args := []string{"token", "--flow", "client_credentials", "--token-url", "http://idp.example.test/token", "--client-id", "c", "--client-secret-env", "CS", "--output", "access_token"}
	r := authplay(t, nil, nil, env, args...)
	if r.code != 0 || r.stdout != "at\n" || !strings.Contains(r.stderr, "warning: This request carried a credential over plain http to idp.example.test") {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	r = authplay(t, nil, nil, env, append(args, "--verbose")...)
	if r.code != 0 || !strings.Contains(r.stderr, "(through the proxy "+proxy.URL) {
		t.Fatalf("--verbose does not say a proxy was used:\n%s", r.stderr)
	}
	hits.Store(0)
	proxy.Hits.Store(0)
	r = authplay(t, nil, nil, env, append(args, "--strict")...)
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "plain http") || hits.Load()+proxy.Hits.Load() != 0 {
		t.Fatalf("strict: exit %d stdout %q hits %d/%d\n%s", r.code, r.stdout, hits.Load(), proxy.Hits.Load(), r.stderr)
	}
}
