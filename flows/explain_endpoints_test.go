package flows_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// oldGenericCause is what a newcomer read after a 404: a cause that names
// none. No diagnosis may say it, or say nothing.
const oldGenericCause = "The step failed."

func hasCause(t *testing.T, d *flows.Diagnosis) {
	t.Helper()
	if d == nil {
		return
	}
	if strings.TrimSpace(d.Cause) == "" || strings.TrimSpace(d.Cause) == oldGenericCause {
		t.Errorf("a diagnosis without a cause: fix %q, cause %q, raw %q", d.Fix, d.Cause, d.Raw)
	}
}

// wrongEndpoints are URLs that are not the endpoint they were configured
// as, in the ways people meet them: a path that does not exist, a page
// that takes only GET, a redirect to the site, a login page in front.
var wrongEndpoints = []struct {
	name  string
	serve http.HandlerFunc
}{
	{"404 as text", http.NotFound},
	{"404 as JSON without an error code", func(w http.ResponseWriter, r *http.Request) {
		writeJSONBody(w, 404, map[string]any{"message": "Not Found", "status": 404})
	}},
	{"404 as an HTML page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(404)
		w.Write([]byte("<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>")) //nolint:errcheck
	}},
	{"405", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}},
	{"301 to an HTML page", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/home" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Welcome to Example Corp</body></html>")) //nolint:errcheck
			return
		}
		http.Redirect(w, r, "/home", http.StatusMovedPermanently)
	}},
	{"a login page in front", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sso/login" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<!doctype html><form method="post" action="/sso/login"><input name="username"><input type="password" name="password"></form>`)) //nolint:errcheck
			return
		}
		http.Redirect(w, r, "/sso/login?next="+r.URL.Path, http.StatusFound)
	}},
}

// Every wrong endpoint gets its own explanation, naming the URL that was
// called and, when discovery was used, the URL discovery gives for it.
func TestWrongEndpointsAreExplainedWithTheirURL(t *testing.T) {
	for _, we := range wrongEndpoints {
		for _, discovered := range []bool{false, true} {
			for _, c := range []struct {
				method flows.Method
				name   string
			}{
				{flows.ClientCredentials, "token endpoint"},
				{flows.DeviceCode, "device authorization endpoint"},
			} {
				name := we.name + "/" + string(c.method)
				if discovered {
					name += "/discovered"
				}
				t.Run(name, func(t *testing.T) {
					srv := httptest.NewServer(we.serve)
					defer srv.Close()
					prov := flows.Provider{Name: "misconfigured", Kind: flows.KindEndpoints, TokenURL: srv.URL + "/token", DeviceURL: srv.URL + "/device"}
					advertised := ""
					if discovered {
						// Discovery gave the right endpoints; the profile was
						// edited since, or a proxy rewrote the paths.
						prov.Kind = flows.KindDiscovery
						prov.Advertised = &flows.Metadata{Issuer: srv.URL, TokenEndpoint: srv.URL + "/oauth2/token", DeviceEndpoint: srv.URL + "/oauth2/device"}
						advertised = map[flows.Method]string{flows.ClientCredentials: prov.Advertised.TokenEndpoint, flows.DeviceCode: prov.Advertised.DeviceEndpoint}[c.method]
					}
					called := map[flows.Method]string{flows.ClientCredentials: prov.TokenURL, flows.DeviceCode: prov.DeviceURL}[c.method]
					d := diagnose(t, c.method, flows.Params{Provider: prov, ClientID: "c"}, flows.Credentials{ClientSecret: "s3cret-value"})
					hasCause(t, d)
					if !strings.Contains(d.Cause, "not a "+c.name) {
						t.Errorf("the cause does not say the URL is not a %s: %s", c.name, d.Cause)
					}
					if !strings.Contains(d.Cause, called) {
						t.Errorf("the cause does not name %s: %s", called, d.Cause)
					}
					if advertised != "" && !strings.Contains(d.Cause+d.Fix, advertised) {
						t.Errorf("the diagnosis does not name the URL discovery gives, %s:\nfix: %s\nwhy: %s", advertised, d.Fix, d.Cause)
					}
					if advertised != "" && !strings.Contains(d.Fix, advertised) {
						t.Errorf("the fix does not offer the URL discovery gives: %s", d.Fix)
					}
					if strings.Contains(d.Fix+d.Cause+d.Raw, "s3cret-value") {
						t.Error("the secret is in the diagnosis")
					}
				})
			}
		}
	}
}
