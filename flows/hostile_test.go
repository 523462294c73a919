package flows_test

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
)

// Servers that misbehave: each must give a clear error within the timeout.
func TestHostileTokenEndpoints(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string // in the error
		fix     string // in the diagnosis' fix
	}{
		{"HTML instead of JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><html><body>Sign in</body></html>"))
		}, "HTML page where JSON was expected", "token endpoint"},
		{"500 with HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			w.Write([]byte("<html>Internal Server Error</html>"))
		}, "HTTP 500", ""},
		{"invalid JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token": "abc",`))
		}, "not valid JSON", ""},
		{"10 MB body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"` + strings.Repeat("a", 10<<20) + `"}`))
		}, "larger than 1 MiB", "endpoint URL"},
		{"never answers", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // a read body lets the server notice the client leaving
			select {
			case <-block:
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, "", "did not answer in time"}, // Go words it two ways, depending on which timer fires first
		{"missing access_token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"token_type":"Bearer","expires_in":60}`))
		}, "no access_token", ""},
		{"unexpected token_type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"abc","token_type":"MAC"}`))
		}, `token_type is "MAC"`, ""},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
		}, "redirects in a loop", "final address"},
		{"error without a code", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"message":"bad"}`))
		}, "without an OAuth error code", ""},
	}
	// Reading the first MiB of the 10 MB body took over a second on a loaded
	// two-core machine, and a 1 s client timeout then fired before the size
	// cap. The cap is what that case is about, so its timeout is out of reach.
	clientTimeout := map[string]time.Duration{"10 MB body": 30 * time.Second}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			timeout := cmp.Or(clientTimeout[c.name], time.Second)
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			prov, _ := flows.Endpoints("hostile", "", srv.URL+"/token")
			m, _ := flows.New(flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c"}), flows.Credentials{ClientSecret: "s3cret-value"})
			env := flows.Env{HTTP: wire.NewClient(timeout), Loopback: loopback.New()}
			start := time.Now()
			step, err := m.Next(context.Background(), env, flows.Input{})
			if took := time.Since(start); took > timeout+4*time.Second {
				t.Errorf("took %s with a %s client timeout", took, timeout)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, c.fix) {
				t.Fatalf("diagnosis %+v, want fix with %q", step.Diagnosis, c.fix)
			}
			if strings.Contains(err.Error()+step.Diagnosis.Raw, "s3cret-value") {
				t.Error("the secret is in the error")
			}
		})
	}
}

func TestUnreachableAndMalformedEndpoints(t *testing.T) {
	ln := httptest.NewServer(http.NotFoundHandler())
	addr := ln.URL
	ln.Close() // nothing listens there now
	for name, c := range map[string]struct{ url, want string }{
		"refused":   {addr + "/token", "Start the server"},
		"malformed": {"ht!tp://x", ""},
		"no host":   {"https:///token", ""},
	} {
		t.Run(name, func(t *testing.T) {
			prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: c.url}
			m, _ := flows.New(flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c"}), flows.Credentials{})
			step, err := m.Next(context.Background(), flows.Env{HTTP: wire.NewClient(time.Second)}, flows.Input{})
			if err == nil || step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, c.want) {
				t.Fatalf("%v %+v", err, step.Diagnosis)
			}
		})
	}
}

func TestLowercaseBearerIsAccepted(t *testing.T) {
	tok, err := flows.ParseTokenResponse("application/json", []byte(`{"access_token":"abc","token_type":"bearer","expires_in":"3600","x_custom":1}`), time.Now())
	if err != nil || tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || len(tok.Notes) != 2 || !strings.Contains(string(tok.Raw), "x_custom") {
		t.Fatalf("%v %+v", err, tok)
	}
}
