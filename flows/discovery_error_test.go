package flows_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// A discovery document that is found but wrong (an endpoint that is not
// a URL) is the error discovery reports, not the 404 from the other
// well-known place; its fix says what to do about a wrong document, and a
// server with no document at all gets a fix about the issuer URL.
func TestDiscoveryReportsTheDocumentItFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/a/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		origin := "http://" + r.Host
		io.WriteString(w, `{"issuer":"`+origin+`/a","authorization_endpoint":"javascript:alert(1)","token_endpoint":"`+origin+`/token"}`)
	}))
	t.Cleanup(srv.Close)
	_, _, err := flows.Discover(context.Background(), http.DefaultClient, srv.URL+"/a")
	var de *flows.DiscoveryError
	if !errors.As(err, &de) || !de.Found || !strings.Contains(err.Error(), "authorization_endpoint") || strings.Contains(err.Error(), "404") {
		t.Fatalf("discovery said %v", err)
	}
	if fix := flows.Explain(err, flows.ExplainContext{}).Fix; !strings.Contains(fix, "discovery document is wrong") {
		t.Errorf("fix %q", fix)
	}
	_, _, err = flows.Discover(context.Background(), http.DefaultClient, srv.URL+"/none")
	if !errors.As(err, &de) || de.Found || !strings.Contains(err.Error(), "404") {
		t.Fatalf("discovery of nothing said %v", err)
	}
	if fix := flows.Explain(err, flows.ExplainContext{}).Fix; !strings.Contains(fix, "Check the issuer URL") {
		t.Errorf("fix %q", fix)
	}
}
