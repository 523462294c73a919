package flows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// genericDefault starts the cause of a failure the explainer has no
// specific words for; every failure below has its own.
const genericDefault = "authplay could not finish the step"

// Every kind of failure a step meets has a cause of its own that says what
// happened and where: nothing sent because a setting is missing, an
// endpoint's odd answer, an API's refusal, the network, the redirect.
func TestEveryFailureKindHasItsOwnCause(t *testing.T) {
	answer := func(status int, contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(status)
			w.Write([]byte(body)) //nolint:errcheck
		}
	}
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()
	for _, c := range []struct {
		name   string
		method flows.Method
		serve  http.HandlerFunc // nil: no server
		params func(url string) flows.Params
		seed   string
		want   []string // in the cause
	}{
		{name: "no token URL", method: flows.ClientCredentials,
			params: func(string) flows.Params { return flows.Params{ClientID: "c"} },
			want:   []string{"sent nothing"}},
		{name: "no username", method: flows.Password,
			params: func(u string) flows.Params {
				return flows.Params{Provider: flows.Provider{TokenURL: u + "/token"}, ClientID: "c"}
			},
			want: []string{"sent nothing"}},
		{name: "no refresh token", method: flows.RefreshToken,
			params: func(u string) flows.Params {
				return flows.Params{Provider: flows.Provider{TokenURL: u + "/token"}, ClientID: "c"}
			},
			want: []string{"sent nothing"}},
		{name: "a pasted token with an escape in it", method: flows.PermanentToken, seed: "tok\x1b[2J",
			want: []string{"sent nothing"}},
		{name: "401 without an error code", method: flows.ClientCredentials, serve: answer(401, "", ""),
			want: []string{"401", "no OAuth error code", "/token"}},
		{name: "400 with JSON but no code", method: flows.ClientCredentials, serve: answer(400, "application/json", `{"message":"nope"}`),
			want: []string{"400", "without an OAuth error code", "/token"}},
		{name: "500 with JSON but no code", method: flows.ClientCredentials, serve: answer(500, "application/json", `{"message":"boom"}`),
			want: []string{"server failed", "500", "/token"}},
		{name: "503 with an HTML page", method: flows.ClientCredentials, serve: answer(503, "text/html", "<html>down</html>"),
			want: []string{"server failed", "503", "web page"}},
		{name: "200 with an empty body", method: flows.ClientCredentials, serve: answer(200, "application/json", ""),
			want: []string{"not a token endpoint", "empty body"}},
		{name: "200 without an access token", method: flows.ClientCredentials, serve: answer(200, "application/json", `{"token_type":"Bearer"}`),
			want: []string{"not as the standard requires", "no access_token"}},
		{name: "the API refuses the token", method: flows.PermanentToken, seed: "tok", serve: answer(401, "", ""),
			want: []string{"did not accept the access token", "/api"}},
		{name: "the API forbids", method: flows.PermanentToken, seed: "tok", serve: answer(403, "", ""),
			want: []string{"may not do this", "/api"}},
		{name: "the API has no such path", method: flows.PermanentToken, seed: "tok", serve: answer(404, "text/html", "<html>gone</html>"),
			want: []string{"nothing at", "/api"}},
		{name: "nothing listens", method: flows.ClientCredentials,
			params: func(string) flows.Params {
				return flows.Params{Provider: flows.Provider{TokenURL: refusedURL + "/token"}, ClientID: "c"}
			},
			want: []string{"Nothing is listening"}},
		{name: "a redirect URI authplay cannot listen at", method: flows.AuthorizationCode,
			params: func(u string) flows.Params {
				return flows.Params{Provider: flows.Provider{AuthURL: u + "/auth", TokenURL: u + "/token"}, ClientID: "c", RedirectURI: "https://app.example/callback"}
			},
			want: []string{"redirect", "https://app.example/callback"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := "http://127.0.0.1:9"
			if c.serve != nil {
				srv := httptest.NewServer(c.serve)
				defer srv.Close()
				url = srv.URL
			}
			p := flows.Params{Provider: flows.Provider{Kind: flows.KindEndpoints, TokenURL: url + "/token", APIBase: url + "/api"}, ClientID: "c"}
			if c.params != nil {
				p = c.params(url)
			}
			st := flows.Start(c.method, p)
			st.Seed = flows.Secret(c.seed)
			m, err := flows.New(st, flows.Credentials{ClientSecret: "s"})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			step, err := m.Next(ctx, flows.Env{HTTP: wire.NewClient(5 * time.Second), Loopback: newEnv(t).Loopback}, flows.Input{})
			d := step.Diagnosis
			if err == nil || d == nil {
				t.Fatalf("no failure with a diagnosis: %v %+v", err, step)
			}
			hasCause(t, d)
			if strings.HasPrefix(d.Cause, genericDefault) {
				t.Errorf("only the generic cause: %s", d.Cause)
			}
			for _, w := range c.want {
				if !strings.Contains(d.Cause, w) {
					t.Errorf("the cause does not say %q: %s", w, d.Cause)
				}
			}
		})
	}
}
