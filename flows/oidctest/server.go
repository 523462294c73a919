// Package oidctest is a small OpenID Connect provider over real HTTP for
// tests: discovery, a key set, an authorization endpoint that approves at
// once (the user is always alice), and a token endpoint. Unlike spacetest
// it speaks no Space dialect and has the habits of a generic server: it
// signs with ES256, takes the OIDC response types and modes, names itself
// in redirects (RFC 9207) when asked, and records every request it gets,
// so a test can say what was and was not sent.
//
// Config makes it strict (only these response types, only form_post) or
// hostile (a wrong c_hash, a missing nonce, another issuer's iss). Browse
// plays the browser, as a person's would: it follows the redirect, runs
// the relay page's post for a fragment, and submits a form_post page.
package oidctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The one client and user the server knows.
const (
	ClientID     = "oidc-client"
	ClientSecret = "oidc-secret"
	Username     = "alice"
	Password     = "wonderland"
	Subject      = "user-alice"
)

// Config says what the server takes and what it gets wrong.
type Config struct {
	// ResponseTypes the authorization endpoint takes (word order does not
	// matter); nil takes code only.
	ResponseTypes []string
	// Advertised are the response types discovery lists; nil lists
	// ResponseTypes. dex takes "id_token token" without listing it.
	Advertised []string
	// ResponseModes the server answers in; nil is query and fragment. A
	// request for a mode it lacks is refused; with only form_post, a
	// request that names no mode is refused too.
	ResponseModes []string
	// Iss: every authorization response names the issuer (RFC 9207), and
	// discovery says so.
	Iss bool
	// WrongIss names another issuer in the responses: a mix-up.
	WrongIss string
	// RefreshNonce is what a refreshed ID token carries: "" no nonce (as
	// OIDC Core §12.2 advises), "same" the sign-in's, "other" another.
	RefreshNonce string
	// Hostile: the sign-in's ID tokens (the redirect's and the token
	// endpoint's) without the nonce or with another one; a redirect's ID
	// token with a c_hash that is not the code's.
	OmitNonce, WrongNonce, WrongCHash bool
}

// Recorded is one request the server received.
type Recorded struct {
	Method, Path string
	Query        url.Values
	Form         url.Values
}

// Server is the provider. Its URL is the issuer.
type Server struct {
	*httptest.Server
	cfg  Config
	key  *ecdsa.PrivateKey
	mu   sync.Mutex
	reqs []Recorded
	// codes and refresh tokens issued, with what they were issued for.
	codes   map[string]*grant
	refresh map[string]*grant
}

type grant struct {
	redirectURI, challenge, nonce, scope string
}

// Start runs a server for the test's lifetime.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: cfg, key: key, codes: map[string]*grant{}, refresh: map[string]*grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /jwks", s.jwks)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	// Started only once s.Server is set: a handler reads s.URL, and a
	// request may come from another process, which orders nothing.
	s.Server = httptest.NewUnstartedServer(s.recording(mux))
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// recording keeps every request, form and all, before it is answered.
func (s *Server) recording(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := Recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err == nil {
				rec.Form = r.PostForm
			}
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, rec)
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// Requests are the requests received at a path, oldest first.
func (s *Server) Requests(path string) []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Recorded
	for _, r := range s.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) responseTypes() []string {
	if s.cfg.ResponseTypes == nil {
		return []string{"code"}
	}
	return s.cfg.ResponseTypes
}

func (s *Server) responseModes() []string {
	if s.cfg.ResponseModes == nil {
		return []string{"query", "fragment"}
	}
	return s.cfg.ResponseModes
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	advertised := s.cfg.Advertised
	if advertised == nil {
		advertised = s.responseTypes()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": s.URL, "authorization_endpoint": s.URL + "/authorize", "token_endpoint": s.URL + "/token",
		"jwks_uri": s.URL + "/jwks", "response_types_supported": advertised, "response_modes_supported": s.responseModes(),
		"grant_types_supported":                          []string{"authorization_code", "refresh_token", "password", "implicit"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":               []string{"S256"},
		"scopes_supported":                               []string{"openid", "profile", "email", "offline_access"},
		"id_token_signing_alg_values_supported":          []string{"ES256"},
		"subject_types_supported":                        []string{"public"},
		"authorization_response_iss_parameter_supported": s.cfg.Iss,
	})
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &s.key.PublicKey, KeyID: "k1", Algorithm: string(jose.ES256), Use: "sig"}}}
	writeJSON(w, http.StatusOK, set)
}

// signInNonce is the nonce a sign-in's ID tokens carry: the one sent,
// unless the server is told to get it wrong.
func (s *Server) signInNonce(sent string) string {
	switch {
	case s.cfg.OmitNonce:
		return ""
	case s.cfg.WrongNonce:
		return "not-" + sent
	}
	return sent
}

// idToken signs an ID token for alice with the claims given besides the
// standard ones.
func (s *Server) idToken(nonce string, extra map[string]any) string {
	now := time.Now()
	claims := map[string]any{"iss": s.URL, "sub": Subject, "aud": ClientID, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "preferred_username": Username}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	for k, v := range extra {
		claims[k] = v
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: s.key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		panic(err) // a fixed key and algorithm: cannot fail
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

func opaque(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b) //nolint:errcheck // never fails
	return prefix + hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// sameWords compares response types as sets of words.
func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
