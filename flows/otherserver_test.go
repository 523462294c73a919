package flows_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
)

// otherServer has other habits than spacetest, so nothing in flows is tuned
// to one server: RFC 8414 discovery only, client_secret_post only (Basic is
// refused), opaque tokens, lowercase token_type, rotating refresh tokens,
// an authorization endpoint that approves at once, a device flow that is
// approved after the first poll.
type otherServer struct {
	*httptest.Server
	mu      sync.Mutex
	codes   map[string]string // code -> S256 challenge
	refresh map[string]bool
	access  map[string]bool
	polls   map[string]int
}

const otherClient, otherSecret = "other-client", "other-secret"

func newOtherServer(t *testing.T) *otherServer {
	o := &otherServer{codes: map[string]string{}, refresh: map[string]bool{}, access: map[string]bool{}, polls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		writeJSONBody(w, 200, map[string]any{
			"issuer": o.URL, "authorization_endpoint": o.URL + "/authorize", "token_endpoint": o.URL + "/token",
			"device_authorization_endpoint": o.URL + "/device", "userinfo_endpoint": o.URL + "/userinfo",
			"token_endpoint_auth_methods_supported": []string{"client_secret_post"},
			"code_challenge_methods_supported":      []string{"S256"},
		})
	})
	mux.HandleFunc("GET /authorize", o.authorize)
	mux.HandleFunc("POST /token", o.token)
	mux.HandleFunc("POST /device", func(w http.ResponseWriter, r *http.Request) {
		if !o.client(w, r) {
			return
		}
		writeJSONBody(w, 200, map[string]any{"device_code": "dc-" + opaque(), "user_code": "WDJB-MJHT", "verification_uri": o.URL + "/activate", "expires_in": 60, "interval": 1})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		ok := o.access[bearer(r)]
		o.mu.Unlock()
		if !ok {
			writeJSONBody(w, 401, map[string]any{"error": "invalid_token"})
			return
		}
		writeJSONBody(w, 200, map[string]any{"sub": "u1", "preferred_username": "u"})
	})
	o.Server = httptest.NewServer(mux)
	t.Cleanup(o.Close)
	return o
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 {
		return h[7:]
	}
	return ""
}

func opaque() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (o *otherServer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, _ := url.Parse(q.Get("redirect_uri"))
	if q.Get("response_type") == "token" {
		at := o.mint()
		back.Fragment = url.Values{"access_token": {at}, "token_type": {"bearer"}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
		return
	}
	code := opaque()
	o.mu.Lock()
	o.codes[code] = q.Get("code_challenge")
	o.mu.Unlock()
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// client accepts only client_secret_post.
func (o *otherServer) client(w http.ResponseWriter, r *http.Request) bool {
	r.ParseForm()
	if r.Header.Get("Authorization") != "" || r.PostForm.Get("client_id") != otherClient || r.PostForm.Get("client_secret") != otherSecret {
		writeJSONBody(w, 401, map[string]any{"error": "invalid_client", "error_description": "send client_id and client_secret in the body"})
		return false
	}
	return true
}

func (o *otherServer) mint() string {
	at := opaque()
	o.mu.Lock()
	o.access[at] = true
	o.mu.Unlock()
	return at
}

func (o *otherServer) tokens(w http.ResponseWriter) {
	rt := "rt-" + opaque()
	o.mu.Lock()
	o.refresh[rt] = true
	o.mu.Unlock()
	writeJSONBody(w, 200, map[string]any{"access_token": o.mint(), "token_type": "bearer", "expires_in": 3600, "refresh_token": rt})
}

func (o *otherServer) token(w http.ResponseWriter, r *http.Request) {
	if !o.client(w, r) {
		return
	}
	f := r.PostForm
	o.mu.Lock()
	switch f.Get("grant_type") {
	case "client_credentials":
		o.mu.Unlock()
		writeJSONBody(w, 200, map[string]any{"access_token": o.mint(), "token_type": "bearer", "expires_in": 3600})
	case "authorization_code":
		challenge, ok := o.codes[f.Get("code")]
		delete(o.codes, f.Get("code"))
		o.mu.Unlock()
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
			writeJSONBody(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		o.tokens(w)
	case "password":
		o.mu.Unlock()
		if f.Get("username") != "u" || f.Get("password") != "p" {
			writeJSONBody(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		o.tokens(w)
	case "refresh_token":
		ok := o.refresh[f.Get("refresh_token")]
		delete(o.refresh, f.Get("refresh_token")) // rotation: the old one is spent
		o.mu.Unlock()
		if !ok {
			writeJSONBody(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		o.tokens(w)
	case "urn:ietf:params:oauth:grant-type:device_code":
		o.polls[f.Get("device_code")]++
		n := o.polls[f.Get("device_code")]
		o.mu.Unlock()
		if n == 1 {
			writeJSONBody(w, 400, map[string]any{"error": "authorization_pending"})
			return
		}
		o.tokens(w)
	default:
		o.mu.Unlock()
		writeJSONBody(w, 400, map[string]any{"error": "unsupported_grant_type"})
	}
}

func TestEveryMethodAgainstAnotherServer(t *testing.T) {
	o := newOtherServer(t)
	env := newEnv(t)
	env.Sleep = func(context.Context, time.Duration) error { return nil }
	prov, ex, err := flows.Discover(context.Background(), env.HTTP, o.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].Response.Status != 404 {
		t.Fatalf("discovery should try OIDC first, then RFC 8414: %+v", ex)
	}
	base := flows.Params{Provider: prov, ClientID: otherClient, AuthStyle: flows.AuthBody, RedirectURI: "http://127.0.0.1:0/cb", PKCE: flows.PKCES256, Username: "u"}
	creds := flows.Credentials{ClientSecret: otherSecret, Password: "p"}
	browse := func(m flows.Machine) {
		resp, err := noFollow.Get(m.State().AuthURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		go follow(t, resp.Header.Get("Location"))
	}
	var lastRefresh flows.Secret
	for _, method := range []flows.Method{flows.ClientCredentials, flows.AuthorizationCode, flows.Implicit, flows.Password, flows.RefreshToken, flows.DeviceCode, flows.PermanentToken} {
		t.Run(string(method), func(t *testing.T) {
			st := flows.Start(method, base)
			switch method {
			case flows.RefreshToken:
				st.Seed = lastRefresh
			case flows.PermanentToken:
				tok := flows.Start(flows.ClientCredentials, base)
				cc, _ := flows.New(tok, creds)
				run(t, cc, env, flows.Input{})
				st.Seed = cc.State().Token.AccessToken
			}
			m, _ := flows.New(st, creds)
			for i := 0; m.State().Phase != flows.PhaseAuthorized; i++ {
				if i > 5 {
					t.Fatalf("stuck in %s", m.State().Phase)
				}
				step := run(t, m, env, flows.Input{})
				if step.Name == "authorization_request" {
					browse(m)
				}
			}
			tok := m.State().Token
			if jwtcheck.LooksLikeJWT(tok.AccessToken.Reveal()) || tok.TokenType != "Bearer" {
				t.Errorf("token %+v", tok)
			}
			if tok.RefreshToken != "" {
				lastRefresh = tok.RefreshToken
			}
			if method == flows.RefreshToken && (m.State().Rotated == nil || !*m.State().Rotated) {
				t.Error("rotation not noticed")
			}
		})
	}
	// The rotated-away refresh token is spent.
	st := flows.Start(flows.RefreshToken, base)
	st.Seed = lastRefresh
	m, _ := flows.New(st, creds)
	run(t, m, env, flows.Input{})
	again, _ := flows.New(flows.State{Method: flows.RefreshToken, Params: base, Seed: lastRefresh}, creds)
	failsWith(t, again, "invalid_grant")
	// Basic is refused by this server; the diagnosis says what to change.
	basic := base
	basic.AuthStyle = flows.AuthBasic
	b, _ := flows.New(flows.Start(flows.ClientCredentials, basic), creds)
	step, _ := failsWith(t, b, "invalid_client")
	if lint := prov.Lint(flows.ClientCredentials, flows.AuthBasic, "", flows.PKCEOff); len(lint) != 1 {
		t.Errorf("lint should flag client_secret_basic: %v (%s)", lint, step.Diagnosis.Fix)
	}
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
