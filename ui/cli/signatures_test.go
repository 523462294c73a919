package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// listening returns a browse hook that waits for the endpoint's address
// and then runs send against it.
func listening(t *testing.T, send func(url string)) func(string) bool {
	return func(line string) bool {
		_, rest, ok := strings.Cut(line, "listening at ")
		if !ok {
			return false
		}
		url, _, _ := strings.Cut(rest, ",")
		go send(url)
		return true
	}
}

func TestEndpointVerifiesWhatSpaceSends(t *testing.T) {
	s := spacetest.Start(t)
	tampers := []spacetest.Tamper{spacetest.TamperNone, spacetest.TamperWrongKey, spacetest.TamperBody, spacetest.TamperStale, spacetest.TamperSeconds}
	send := func(url string) {
		for _, tm := range tampers {
			resp, err := s.SendToEndpoint(context.Background(), url+"/space", spacetest.DemoClientID, spacetest.ChatMessagePayload(spacetest.DemoClientID), tm)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
	}
	r := authplay(t, nil, listening(t, send), []string{"SK=" + spacetest.DemoSigningKey, "CS=" + spacetest.DemoClientSecret},
		"endpoint", "--listen", "127.0.0.1:0", "--signing-key-env", "SK", "--public-keys-from-space", s.URL,
		"--client-id", spacetest.DemoClientID, "--client-secret-env", "CS", "--max-requests", "5")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	want := []string{
		"PASS POST /space: verified by signing key and public key",
		"FAIL: signing key: HMAC-SHA256",
		"FAIL: signing key: HMAC-SHA256",
		"FAIL: timestamp: the request is dated",
		"FAIL: timestamp: X-Space-Timestamp",
	}
	if r.code != 0 || len(lines) != len(want) {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d (%s): %q, want %q…", i+1, tampers[i], lines[i], w)
		}
	}
	if !strings.Contains(lines[4], "seconds") || !strings.Contains(r.stderr, "fail public key") {
		t.Errorf("stdout %q\nstderr %s", lines[4], r.stderr)
	}
}

// The built-in server's signed request sent twice: the copy is a replay.
// A request dated ten minutes ahead is reported as in the future.
func TestEndpointReportsAReplayAndAFutureTimestamp(t *testing.T) {
	s := spacetest.Start(t)
	body := spacetest.ChatMessagePayload(spacetest.DemoClientID)
	send := func(url string) {
		now := time.Now()
		signed, err := s.SignedHeaders(spacetest.DemoClientID, body, now)
		if err != nil {
			t.Error(err)
			return
		}
		future, _ := s.SignedHeaders(spacetest.DemoClientID, body, now.Add(10*time.Minute))
		for _, h := range []http.Header{signed, signed, future} {
			req, _ := http.NewRequest(http.MethodPost, url+"/space", bytes.NewReader(body))
			req.Header = h.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
	}
	r := authplay(t, nil, listening(t, send), []string{"SK=" + spacetest.DemoSigningKey},
		"endpoint", "--listen", "127.0.0.1:0", "--signing-key-env", "SK", "--max-requests", "3")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	want := []string{
		"PASS POST /space: verified by signing key",
		"FAIL: replay: this exact signed request was already accepted at ",
		"FAIL: timestamp: the timestamp is 10 min in the future",
	}
	if r.code != 0 || len(lines) != len(want) {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want %q…", i+1, lines[i], w)
		}
	}
}

func TestSignedCurlIsAcceptedAndAnAlteredOneRejected(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("curl is not installed, and AUTHPLAY_E2E=1 requires it")
		}
		t.Skip("curl is not installed; skipping")
	}
	body := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(body, spacetest.ChatMessagePayload("my-app"), 0o600)
	send := func(url string) {
		signed := authplay(t, nil, nil, []string{"SK=my-signing-key"}, "sign", "--signing-key-env", "SK", "--body-file", body, "--url", url+"/hook", "--output", "curl")
		if signed.code != 0 || !strings.HasPrefix(signed.stdout, "curl ") {
			t.Errorf("sign: %d %q %s", signed.code, signed.stdout, signed.stderr)
			return
		}
		for _, cmd := range []string{signed.stdout, strings.Replace(signed.stdout, "hello, bot", "hello, bot!", 1), "curl -sS -X POST " + url + "/hook -d '{}'"} {
			exec.Command("sh", "-c", cmd).Run() //nolint:errcheck // the endpoint's verdict is what counts
		}
	}
	r := authplay(t, nil, listening(t, send), []string{"SK=my-signing-key"}, "endpoint", "--listen", "127.0.0.1:0", "--signing-key-env", "SK", "--max-requests", "3")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "PASS POST /hook: verified by signing key") ||
		!strings.HasPrefix(lines[1], "FAIL: signing key: HMAC-SHA256") || !strings.HasPrefix(lines[2], "FAIL: timestamp: the X-Space-Timestamp header is missing") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestEndpointAndSignUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"endpoint"}, "give a signing key"},
		{[]string{"endpoint", "--signing-key-env", "UNSET_FOR_TEST"}, "UNSET_FOR_TEST is not set"},
		{[]string{"endpoint", "--listen", "0.0.0.0:0", "--signing-key-file", "/etc/hostname"}, "loopback only"},
		{[]string{"endpoint", "--public-keys-from-space", "http://x"}, "needs --client-id"},
		{[]string{"sign", "--body-file", "x", "--url", "http://x"}, "--signing-key-env or --signing-key-file is required"},
		{[]string{"sign", "--signing-key-file", "/etc/hostname", "--body-file", "/nonexistent", "--url", "http://x"}, "--body-file"},
		{[]string{"sign", "--signing-key-file", "/etc/hostname", "--body-file", "/etc/hostname", "--url", "not a url"}, "--url"},
	} {
		r := authplay(t, nil, nil, nil, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
