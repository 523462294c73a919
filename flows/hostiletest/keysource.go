package hostiletest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// KeySource is the setting of the key-source attack: a configured server
// (discovery, key set, token endpoint) and a forger's own host. The forger
// signs tokens with its own key and names that host in every place a
// careless verifier looks for keys: the token's iss, and the header's jku,
// x5u and jwk. A client that takes keys only from its configuration never
// sends the forger's host a request, and never calls a forgery verified.
type KeySource struct {
	// Server is the configured server: /.well-known/openid-configuration,
	// /jwks (its own key, kid ServerKeyID) and /token.
	Server *httptest.Server
	// Forger is the forger's host: it serves its key set and certificate
	// at every path; ForgerHits counts each request it gets.
	Forger     *httptest.Server
	ForgerHits atomic.Int64

	serverKey, forgerKey *rsa.PrivateKey
	mu                   sync.Mutex
	answer               map[string]any
}

// ServerKeyID is the kid of the configured server's one key. A forgery
// that names it is the hard case: the configured set has a key by that
// name, and only the signature check itself can refuse it.
const ServerKeyID = "server-key"

// NewKeySource starts both hosts for the test's lifetime.
func NewKeySource(tb testing.TB) *KeySource {
	tb.Helper()
	k := &KeySource{serverKey: newRSAKey(tb), forgerKey: newRSAKey(tb)}
	// Unstarted first: the handlers read the servers' URLs, which must be
	// set before the first request (the race detector cannot see that the
	// request came after, when a child process sends it).
	k.Forger = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.ForgerHits.Add(1)
		pub := jose.JSONWebKey{Key: &k.forgerKey.PublicKey, KeyID: ServerKeyID, Algorithm: "RS256", Use: "sig"}
		JSON(w, 200, map[string]any{"keys": []jose.JSONWebKey{pub}, "issuer": k.Forger.URL, "jwks_uri": k.Forger.URL + "/jwks.json"})
	}))
	k.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server":
			u := k.Server.URL
			JSON(w, 200, map[string]any{"issuer": u, "token_endpoint": u + "/token", "jwks_uri": u + "/jwks",
				"grant_types_supported": []string{"client_credentials", "password"}})
		case "/jwks":
			JSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.serverKey.PublicKey, KeyID: ServerKeyID, Algorithm: "RS256", Use: "sig"}}})
		case "/token":
			k.mu.Lock()
			body := k.answer
			k.mu.Unlock()
			JSON(w, 200, body)
		default:
			http.NotFound(w, r)
		}
	}))
	k.Forger.Start()
	k.Server.Start()
	tb.Cleanup(k.Server.Close)
	tb.Cleanup(k.Forger.Close)
	return k
}

func newRSAKey(tb testing.TB) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// Answer sets what the token endpoint answers: an access token, and an ID
// token when idToken is not empty.
func (k *KeySource) Answer(accessToken, idToken string) {
	body := map[string]any{"access_token": accessToken, "token_type": "Bearer", "expires_in": 600}
	if idToken != "" {
		body["id_token"] = idToken
	}
	k.mu.Lock()
	k.answer = body
	k.mu.Unlock()
}

// Claims are a token's claims as the forger writes them: its own host as
// the issuer, aud as given, valid now.
func (k *KeySource) Claims(aud string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"iss": k.Forger.URL, "sub": "mallory", "aud": aud, "iat": now, "exp": now + 600}
}

// Forge signs claims with the forger's key (RS256), naming kid, and points
// every header a verifier might trust at the forger: jku at its key set,
// x5u at its certificate, jwk holding its public key itself.
func (k *KeySource) Forge(kid string, claims map[string]any) string {
	pub := jose.JSONWebKey{Key: &k.forgerKey.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
	header := map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid,
		"jku": k.Forger.URL + "/jwks.json", "x5u": k.Forger.URL + "/cert.pem", "jwk": pub}
	return signRS256(k.forgerKey, header, claims)
}

// Genuine signs claims with the configured server's own key: the control
// that shows the configured key set does verify what it should.
func (k *KeySource) Genuine(claims map[string]any) string {
	return signRS256(k.serverKey, map[string]any{"alg": "RS256", "typ": "JWT", "kid": ServerKeyID}, claims)
}

// signRS256 writes a compact JWS by hand, so the header holds exactly what
// the attack needs (a signing library would not put jwk beside kid).
func signRS256(key *rsa.PrivateKey, header, claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := enc(h) + "." + enc(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err) // the system's random source failed: no test can run
	}
	return input + "." + enc(sig)
}
