package flows_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// A PAR endpoint that answers a request_uri holding a terminal escape, or
// one of a megabyte: the push fails with a clear error, and nothing of
// the escape is in any text a terminal would show.
func TestHostilePushedRequestURIIsRefused(t *testing.T) {
	for name, uri := range map[string]string{
		"an escape":  "urn:ietf:params:oauth:request_uri:\x1b]0;pwned\x07x",
		"a C1 byte":  "urn:x:\xc2\x9b31m",
		"a space":    "urn:x y",
		"a megabyte": "urn:" + strings.Repeat("a", 1<<20),
	} {
		t.Run(name, func(t *testing.T) {
			par := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				io.WriteString(w, `{"request_uri":"`+strings.ReplaceAll(uri, "\x1b", `\u001b`)+`","expires_in":60}`)
			}))
			t.Cleanup(par.Close)
			s := newSpace(t)
			p := spaceParams(t, s)
			p.PAR, p.Provider.PARURL = true, par.URL
			m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), demoCreds())
			step, err := m.Next(t.Context(), newEnv(t), flows.Input{})
			if err == nil || step.OK || m.State().AuthURL != "" {
				t.Fatalf("accepted: %v %+v", err, step)
			}
			for _, text := range []string{err.Error(), step.WhatHappened, step.Diagnosis.Fix, step.Diagnosis.Cause} {
				if strings.ContainsAny(text, "\x1b\x07") || strings.Contains(text, "\u009b") || len(text) > 2000 {
					t.Errorf("shown raw or whole: %q", text[:min(len(text), 300)])
				}
			}
		})
	}
}

// A discovery document's scopes_supported is a server's text: the scope
// picker offers only entries that can be scopes (RFC 6749 §3.3).
func TestScopeOffersSkipWhatCannotBeAScope(t *testing.T) {
	d := flows.Draft{Method: flows.AuthorizationCode, Params: flows.Params{Scope: "openid \x1b[2Jx", Provider: flows.Provider{Kind: flows.KindDiscovery,
		Advertised: &flows.Metadata{Scopes: []string{"email", "\x1b]52;c;cHduZWQ=\x07", `a"b`, "x y", strings.Repeat("s", 300), "orders:read"}}}}}
	fd, _ := flows.Field(flows.FieldScope)
	var got []string
	for _, o := range fd.Offers(&d) {
		got = append(got, o.Value)
		if strings.ContainsAny(o.Value, "\x1b\x07\" ") || len(o.Value) > 200 {
			t.Errorf("offered %q", o.Value)
		}
	}
	if !strings.Contains(strings.Join(got, " "), "orders:read") {
		t.Errorf("a good advertised scope is missing: %q", got)
	}
}
