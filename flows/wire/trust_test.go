package wire

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A client trusting a CA file is kept per base client and file content:
// another base client keeps its own timeout, and an edited file is read
// again, so a server's new CA is trusted without a restart.
func TestTrustingIsKeptPerBaseClientAndFile(t *testing.T) {
	one, two := httptest.NewTLSServer(http.NotFoundHandler()), httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(one.Close)
	t.Cleanup(two.Close)
	path := filepath.Join(t.TempDir(), "ca.pem")
	write := func(s *httptest.Server) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(one)
	fast, slow := NewClient(time.Second), NewClient(time.Minute)
	a, err := Trusting(fast, path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Trusting(slow, path)
	if a.Timeout != time.Second || b.Timeout != time.Minute {
		t.Fatalf("timeouts %v and %v: one base client's settings went to the other", a.Timeout, b.Timeout)
	}
	if again, _ := Trusting(fast, path); again != a {
		t.Error("the same base client and file made a second client")
	}
	if _, err := a.Get(one.URL); err != nil {
		t.Fatalf("the CA in the file is not trusted: %v", err)
	}
	write(two)
	c, _ := Trusting(fast, path)
	if _, err := c.Get(two.URL); err != nil {
		t.Fatalf("the edited CA file was not read again: %v", err)
	}
}
