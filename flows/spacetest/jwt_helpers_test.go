package spacetest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

// The client side of the extensions' tests, written by hand with go-jose so
// that they test the server and not authplay's client.

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func (r reply) desc() string { s, _ := r.body["error_description"].(string); return s }

// post sends a form with extra headers through client (nil: the default).
func post(t *testing.T, client *http.Client, endpoint string, form url.Values, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, client, req)
}

func do(t *testing.T, client *http.Client, req *http.Request) reply {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%s %s: not JSON (%d): %s", req.Method, req.URL, resp.StatusCode, raw)
		}
	}
	return reply{resp.StatusCode, resp.Header, body}
}

// getAPI calls the API with an Authorization header and optional DPoP proof.
func getAPI(t *testing.T, client *http.Client, endpoint, authorization, proof string) reply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, endpoint, nil)
	req.Header.Set("Authorization", authorization)
	if proof != "" {
		req.Header.Set("DPoP", proof)
	}
	return do(t, client, req)
}

func basic(id, secret string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
	return h
}

func parseKey(t *testing.T, p string) crypto.Signer {
	t.Helper()
	blk, _ := pem.Decode([]byte(p))
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

func demoRSA(t *testing.T) crypto.Signer { return parseKey(t, spacetest.DemoClientKeyPEM) }
func demoEC(t *testing.T) crypto.Signer  { return parseKey(t, spacetest.DemoClientECKeyPEM) }

func newECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var strangerRSA = func() func(t *testing.T) *rsa.PrivateKey {
	var k *rsa.PrivateKey
	return func(t *testing.T) *rsa.PrivateKey {
		if k == nil {
			var err error
			if k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				t.Fatal(err)
			}
		}
		return k
	}
}()

// sign makes a compact JWS of claims with key (a crypto.Signer or an HMAC
// secret) and alg, with extra header fields.
func sign(t *testing.T, key any, alg jose.SignatureAlgorithm, header map[string]any, claims map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	for k, v := range header {
		opts.WithHeader(jose.HeaderKey(k), v)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unsignedJWT is what an attacker sends: alg none and no signature.
func unsignedJWT(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "."
}

func freshJTI() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// assertionClaims are the client side's defaults: iss = sub = client_id,
// aud = the token endpoint, exp in 5 minutes, a fresh jti.
func assertionClaims(s *spacetest.Server, clientID string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": clientID, "sub": clientID, "aud": s.URL + "/oauth/token",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": freshJTI(),
	}
}

func withAssertion(form url.Values, assertion string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("client_assertion_type", spacetest.ClientAssertionType)
	out.Set("client_assertion", assertion)
	return out
}

// dpopProof makes a DPoP proof for method and URL with key, plus extra claims.
func dpopProof(t *testing.T, key crypto.Signer, alg jose.SignatureAlgorithm, method, target string, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{"jti": freshJTI(), "htm": method, "htu": target, "iat": time.Now().Unix()}
	for k, v := range extra {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

func thumbprint(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

func accessTokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// claimsOf reads a JWT's claims without checking it: the tests check the
// server's tokens by what the server does with them.
func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustContain(t *testing.T, r reply, status int, code, descPart string) {
	t.Helper()
	if r.status != status || r.body["error"] != code || !strings.Contains(r.desc(), descPart) {
		t.Fatalf("got %d %v; want %d %s with %q in the description", r.status, r.body, status, code, descPart)
	}
}

func mustRequest(t *testing.T, method, target string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
