// Package hostiletest is a table of authorization servers that attack the
// client talking to them, shared by the tests of every front door: the
// flows themselves, `authplay token` and the TUI.
//
// Each Row is one attack: escape sequences in whatever the server sends,
// tokens that break out of a shell line, redirects that would carry a
// secret to another host, unsigned or forged JWTs, key sets that are huge,
// slow or missing, and verification addresses that are not web pages. Each
// front door's test runs every row and asserts what must always hold: the
// flow ends within a bounded time with a clear message, no byte a terminal
// would obey reaches it, nothing runs that the person did not ask for, and
// nothing reaches the second host.
package hostiletest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// Escapes is what a hostile server puts in every text it controls: a new
// window title, a cleared screen, a clipboard write (OSC 52) and a one-byte
// CSI (C1).
const Escapes = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\u009b31m"

// EscapesShown is how Escapes must look once made safe: its start, escaped.
const EscapesShown = `\x1b]0;pwned\x07`

// ClientID and ClientSecret are what every row's client uses; the secret is
// what must never reach the second host.
const (
	ClientID     = "hostile-client"
	ClientSecret = "s3cret-never-leaves"
	Username     = "alice"
	Password     = "p4ssword-never-leaves"
)

// Want is what a front door must show for a row.
type Want struct {
	Fail bool // the flow fails (exit 1)
	// Shown is a phrase the person must read: in the error, the fix, a
	// verdict or a warning (made safe to print).
	Shown string
	// Token, for a row that succeeds, is the access token that must come
	// out exactly.
	Token string
	// Warning is a phrase on stderr even without --verbose.
	Warning string
	// NeverOpened: the browser opener must not be asked to open anything
	// but http and https.
	NeverOpened bool
}

// Row is one hostile server.
type Row struct {
	Name   string
	Method flows.Method
	// Style is the client authentication to use (empty: auto).
	Style flows.AuthStyle
	// Scope to ask for.
	Scope string
	// Strict runs the front door with --strict.
	Strict bool
	// Verbose runs it with --verbose (every exchange shown).
	Verbose bool
	// DPoP runs it with DPoP on (--dpop): a proof with every token request.
	DPoP bool
	// Serve answers every request to the hostile server.
	Serve func(s *Servers, w http.ResponseWriter, r *http.Request)
	// Browser plays the person's browser for browser flows (default
	// Browse: approve at once).
	Browser func(authURL string) error
	Want    Want
}

// Browse plays the row's browser on authURL.
func (r Row) Browse(authURL string) error {
	if r.Browser != nil {
		return r.Browser(authURL)
	}
	return Browse(authURL)
}

// Servers are a row's two hosts: the hostile server, and a second origin it
// tries to send the client to.
type Servers struct {
	Main, Other *httptest.Server
	// OtherHits counts requests that reached the second host.
	OtherHits atomic.Int64
	// Marker is a file a shell payload would create; it must never exist.
	Marker string
	// Nonce and State are the last ones the client sent to /authorize.
	mu           sync.Mutex
	nonce, state string
}

// Start runs the row's servers for the test's lifetime.
func (r Row) Start(tb testing.TB) *Servers {
	tb.Helper()
	s := &Servers{Marker: filepath.Join(tb.TempDir(), "PWNED")}
	s.Other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.OtherHits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io := `{"access_token":"stolen-by-the-other-host","token_type":"Bearer"}`
		w.Write([]byte(io)) //nolint:errcheck
	}))
	s.Main = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/authorize" {
			s.authorize(w, req)
			return
		}
		r.Serve(s, w, req)
	}))
	tb.Cleanup(s.Main.Close)
	tb.Cleanup(s.Other.Close)
	return s
}

// Provider is the hostile server as explicit endpoints, with a key set URL.
func (s *Servers) Provider() flows.Provider {
	return flows.Provider{
		Name: "hostile", Kind: flows.KindEndpoints, Issuer: s.Main.URL,
		AuthURL: s.Main.URL + "/authorize", TokenURL: s.Main.URL + "/token", DeviceURL: s.Main.URL + "/device",
		JWKSURL: s.Main.URL + "/jwks", APIBase: s.Main.URL + "/api",
		IntrospectURL: s.Main.URL + "/introspect", RevokeURL: s.Main.URL + "/revoke",
	}
}

// Params are the flow parameters a front door is given for the row.
func (r Row) Params(s *Servers) flows.Params {
	return flows.Params{
		Provider: s.Provider(), ClientID: ClientID, AuthStyle: r.Style, Scope: r.Scope, Username: Username,
		RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256, Timeout: wire.Duration(20 * time.Second), DPoP: r.DPoP,
	}
}

// Credentials are the client's secrets for the row.
func (r Row) Credentials() flows.Credentials {
	return flows.Credentials{ClientSecret: ClientSecret, Password: Password, SubjectToken: SubjectToken}
}

// authorize plays the authorization endpoint: it approves at once and sends
// the browser back with a code and the client's own state, remembering the
// nonce so an ID token can carry another.
func (s *Servers) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.nonce, s.state = q.Get("nonce"), q.Get("state")
	s.mu.Unlock()
	back := q.Get("redirect_uri") + "?" + url.Values{"code": {"hostile-code"}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back, http.StatusFound)
}

// Browse plays a person's browser: it opens authURL on the hostile server and
// follows its redirect to the client's loopback listener.
func Browse(authURL string) error {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(authURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// BrowseError plays a browser that comes back with an error whose
// description is hostile, through the client's loopback listener.
func BrowseError(authURL string) error {
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	q := u.Query()
	back := q.Get("redirect_uri") + "?" + url.Values{"error": {"access_denied"}, "error_description": {"denied " + Escapes}, "state": {q.Get("state")}}.Encode()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(back)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// JSON answers with a JSON body.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck
}

// tokenAnswer answers the token endpoint with an access token.
func tokenAnswer(token string, extra map[string]any) func(*Servers, http.ResponseWriter, *http.Request) {
	return func(s *Servers, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			body := map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 600}
			for k, v := range extra {
				body[k] = v
			}
			JSON(w, 200, body)
		case "/jwks":
			JSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key().PublicKey, KeyID: "hostile-key", Algorithm: "RS256", Use: "sig"}}})
		default:
			http.NotFound(w, r)
		}
	}
}

// toOther redirects the credentialed endpoint at path to the second host.
func toOther(path string, status int) func(*Servers, http.ResponseWriter, *http.Request) {
	return func(s *Servers, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			w.Header().Set("Location", s.Other.URL+"/steal")
			w.WriteHeader(status)
			return
		}
		http.NotFound(w, r)
	}
}

// device answers a device authorization with the given user code and
// verification addresses, then approves at the first poll.
func device(userCode, uri, complete string) func(*Servers, http.ResponseWriter, *http.Request) {
	return func(s *Servers, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/device":
			JSON(w, 200, map[string]any{"device_code": "dev-code", "user_code": userCode, "verification_uri": uri,
				"verification_uri_complete": complete, "expires_in": 600, "interval": 1})
		case "/token":
			JSON(w, 200, map[string]any{"access_token": "device-token", "token_type": "Bearer", "expires_in": 600})
		default:
			http.NotFound(w, r)
		}
	}
}

// idToken answers the code exchange with an ID token whose nonce is not the
// one the client sent: a replayed ID token.
func idTokenWithOtherNonce(s *Servers, w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/token":
		now := time.Now().Unix()
		id := Sign(jose.RS256, "hostile-key", map[string]any{"iss": s.Main.URL, "sub": "alice", "aud": ClientID,
			"iat": now, "exp": now + 600, "nonce": "a-nonce-from-another-sign-in"})
		JSON(w, 200, map[string]any{"access_token": "code-token", "token_type": "Bearer", "expires_in": 600, "id_token": id})
	case "/jwks":
		JSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key().PublicKey, KeyID: "hostile-key", Algorithm: "RS256", Use: "sig"}}})
	default:
		http.NotFound(w, r)
	}
}

// jwtWithKeys answers with a JWT access token and serves keys by jwks.
func jwtWithKeys(token func(s *Servers) string, jwks func(w http.ResponseWriter, r *http.Request)) func(*Servers, http.ResponseWriter, *http.Request) {
	return func(s *Servers, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			JSON(w, 200, map[string]any{"access_token": token(s), "token_type": "Bearer", "expires_in": 600})
		case "/jwks":
			jwks(w, r)
		default:
			http.NotFound(w, r)
		}
	}
}

func goodKeys(w http.ResponseWriter, _ *http.Request) {
	JSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key().PublicKey, KeyID: "hostile-key", Algorithm: "RS256", Use: "sig"}}})
}

func claims(s *Servers) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"iss": s.Main.URL, "sub": "app", "aud": "api", "iat": now, "exp": now + 600}
}

var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err) // the system's random source failed: no test can run
	}
	return k
})

func key() *rsa.PrivateKey { return rsaKey() }

// Sign makes a compact JWS of claims with the rows' RSA key.
func Sign(alg jose.SignatureAlgorithm, kid string, claims map[string]any) string {
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key()}, opts)
	if err != nil {
		panic(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

// unsigned makes a JWT with alg none: anyone could have written it.
func unsigned(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(claims)
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}

// hs256WithPublicKey is the key-confusion forgery: an HMAC whose secret is
// the server's public key, which a careless verifier accepts as an RSA key.
func hs256WithPublicKey(claims map[string]any) string {
	der, _ := x509.MarshalPKIXPublicKey(&key().PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pubPEM}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "hostile-key"))
	if err != nil {
		panic(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

// ShellToken is a printable token that would run commands if a shell line
// held it unquoted; %s is the marker file.
func ShellToken(marker string) string {
	return fmt.Sprintf(`x' "$(touch %[1]s)" `+"`touch %[1]s`"+`; touch %[1]s # y`, marker)
}

// MarkerExists reports whether a payload ran.
func (s *Servers) MarkerExists() bool {
	_, err := os.Stat(s.Marker)
	return err == nil
}

// Thumbprint is a stable short name for the rows' key, for messages.
func Thumbprint() string {
	sum := sha256.Sum256(key().PublicKey.N.Bytes())
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

// Terminal reports the first thing in out that a terminal would act on:
// ESC, another C0 control but newline and tab, DEL, or a C1 control. A
// front door's stderr must have none.
func Terminal(out []byte) error {
	s := string(out)
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return fmt.Errorf("byte offset %d holds %U, which a terminal acts on: %q", i, r, around(s, i))
		}
	}
	return nil
}

// TerminalStyled is Terminal for a TUI frame: its own colour sequences
// (CSI … m) are allowed, nothing else.
func TerminalStyled(frame string) error {
	var b strings.Builder
	for i := 0; i < len(frame); i++ {
		if frame[i] == 0x1b && i+1 < len(frame) && frame[i+1] == '[' {
			j := i + 2
			for j < len(frame) && (frame[j] >= '0' && frame[j] <= '9' || frame[j] == ';' || frame[j] == ':') {
				j++
			}
			if j < len(frame) && frame[j] == 'm' {
				i = j
				continue
			}
		}
		b.WriteByte(frame[i])
	}
	return Terminal([]byte(b.String()))
}

func around(s string, i int) string {
	return s[max(0, i-20):min(len(s), i+20)]
}
