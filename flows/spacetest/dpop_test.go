package spacetest_test

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

const profilePath = "/api/http/team-directory/profiles/me"

func dpopHeader(proof string) http.Header {
	h := http.Header{}
	h.Set("DPoP", proof)
	return h
}

func withDPoP(h http.Header, proof string) http.Header {
	out := h.Clone()
	out.Set("DPoP", proof)
	return out
}

var passwordGrant = url.Values{"grant_type": {"password"}, "username": {"demo"}, "password": {"demo"}, "scope": {"**"}}

// codeFor walks an authorization as the demo user (headless, as the
// browser would) and returns the code and the PKCE verifier.
func codeFor(t *testing.T, s *spacetest.Server, clientID string, extra url.Values) (code, verifier string) {
	t.Helper()
	verifier, challenge := pkcePair()
	q := codeRequest(clientID, challenge)
	for k, v := range extra {
		q[k] = v
	}
	loc, err := s.ApproveAuthorization(s.URL+"/oauth/auth?"+q.Encode(), "demo", true)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("code") == "" {
		t.Fatalf("no code: %s", loc)
	}
	return u.Query().Get("code"), verifier
}

func codeExchange(code, verifier, clientID string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopbackCallback}, "code_verifier": {verifier}, "client_id": {clientID}}
}

// rawJWT builds a JWT by hand, for the headers go-jose refuses to make.
func rawJWT(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}

func publicJWK(t *testing.T, k crypto.Signer) map[string]any {
	t.Helper()
	b, _ := json.Marshal(jose.JSONWebKey{Key: k.Public()})
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// A proof at the token endpoint binds the token to the proof's key; the API
// then wants the DPoP scheme and a proof by that key for that token.
func TestDPoPBindsTokensToTheProofKey(t *testing.T) {
	s := spacetest.Start(t)
	key, other := newECKey(t), newECKey(t)
	r := post(t, nil, s.URL+"/oauth/token", passwordGrant, withDPoP(basic(spacetest.DemoClientID, spacetest.DemoClientSecret), dpopProof(t, key, jose.ES256, "POST", s.URL+"/oauth/token", nil)))
	if r.status != 200 || r.body["token_type"] != "DPoP" {
		t.Fatalf("token: %d %v", r.status, r.body)
	}
	at := r.body["access_token"].(string)
	cnf, _ := claimsOf(t, at)["cnf"].(map[string]any)
	if cnf["jkt"] != thumbprint(t, key.Public()) {
		t.Fatalf("cnf %v, want the proof key's thumbprint", cnf)
	}
	target := s.URL + profilePath
	withAth := map[string]any{"ath": accessTokenHash(at)}
	if a := getAPI(t, nil, target, "DPoP "+at, dpopProof(t, key, jose.ES256, "GET", target, withAth)); a.status != 200 || a.body["username"] != "demo" {
		t.Fatalf("API with the DPoP scheme and a proof: %d %v", a.status, a.body)
	}
	replayed := dpopProof(t, key, jose.ES256, "GET", target, withAth)
	getAPI(t, nil, target, "DPoP "+at, replayed)
	refusals := []struct {
		name, authorization, proof, code, why string
	}{
		{"a bound token as Bearer", "Bearer " + at, "", "invalid_token", "bound to a DPoP key (cnf.jkt)"},
		{"a proof by another key", "DPoP " + at, dpopProof(t, other, jose.ES256, "GET", target, withAth), "invalid_token", "signed by another key"},
		{"no proof", "DPoP " + at, "", "invalid_dpop_proof", "needs a DPoP header"},
		{"a proof without ath", "DPoP " + at, dpopProof(t, key, jose.ES256, "GET", target, nil), "invalid_dpop_proof", "has no ath"},
		{"a proof for another token", "DPoP " + at, dpopProof(t, key, jose.ES256, "GET", target, map[string]any{"ath": accessTokenHash("other")}), "invalid_dpop_proof", "made for another token"},
		{"a proof for another URL", "DPoP " + at, dpopProof(t, key, jose.ES256, "GET", s.URL+"/api/http/absences", withAth), "invalid_dpop_proof", "but this request went to " + target},
		{"a replayed proof", "DPoP " + at, replayed, "invalid_dpop_proof", "jti was already used"},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			a := getAPI(t, nil, target, c.authorization, c.proof)
			challenge := a.header.Get("WWW-Authenticate")
			if a.status != 401 || !strings.HasPrefix(challenge, "DPoP ") || !strings.Contains(challenge, `error="`+c.code+`"`) || !strings.Contains(a.desc(), c.why) {
				t.Fatalf("%d %q %v; want 401 DPoP error=%q, %q", a.status, challenge, a.body, c.code, c.why)
			}
		})
	}
	in := post(t, nil, s.URL+"/oauth/introspect", url.Values{"token": {at}}, basic(spacetest.DemoClientID, spacetest.DemoClientSecret))
	if ic, _ := in.body["cnf"].(map[string]any); in.body["active"] != true || in.body["token_type"] != "DPoP" || ic["jkt"] != cnf["jkt"] {
		t.Fatalf("introspection: %v", in.body)
	}
	plain := post(t, nil, s.URL+"/oauth/token", passwordGrant, basic(spacetest.DemoClientID, spacetest.DemoClientSecret))
	pt := plain.body["access_token"].(string)
	a := getAPI(t, nil, target, "DPoP "+pt, dpopProof(t, key, jose.ES256, "GET", target, map[string]any{"ath": accessTokenHash(pt)}))
	if a.status != 401 || !strings.Contains(a.desc(), "not bound to a DPoP key") {
		t.Fatalf("an unbound token with the DPoP scheme: %d %v", a.status, a.body)
	}
	if plain.body["token_type"] != "Bearer" {
		t.Fatalf("a request without a proof gets a Bearer token: %v", plain.body)
	}
}

// A stale proof, a proof for another URL and every other malformed proof
// is refused at the token endpoint with invalid_dpop_proof.
func TestDPoPProofRefusals(t *testing.T) {
	s := spacetest.Start(t)
	key := newECKey(t)
	tokenURL := s.URL + "/oauth/token"
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	replayed := dpopProof(t, key, jose.ES256, "POST", tokenURL, nil)
	if r := post(t, nil, tokenURL, clientCredentials, withDPoP(auth, replayed)); r.status != 200 {
		t.Fatalf("first use: %d %v", r.status, r.body)
	}
	jwk := publicJWK(t, key)
	withPrivate := publicJWK(t, key)
	withPrivate["d"] = "c2VjcmV0"
	claims := map[string]any{"jti": "j", "htm": "POST", "htu": tokenURL, "iat": time.Now().Unix()}
	twoProofs := withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, nil))
	twoProofs.Add("DPoP", dpopProof(t, key, jose.ES256, "POST", tokenURL, nil))
	cases := []struct {
		name   string
		header http.Header
		why    string
	}{
		{"a stale proof", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"iat": time.Now().Add(-2 * time.Minute).Unix()})), "the DPoP proof is stale: made 2m"},
		{"a proof for another endpoint", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", s.URL+"/oauth/par", nil)), "but this request went to " + tokenURL},
		{"a proof for another server", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", "https://as.example/oauth/token", nil)), "a proof is good for one URL only"},
		{"a proof for another method", withDPoP(auth, dpopProof(t, key, jose.ES256, "GET", tokenURL, nil)), `htm is "GET", but this request is POST`},
		{"a replayed proof", withDPoP(auth, replayed), "jti was already used"},
		{"a proof from the future", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"iat": time.Now().Add(time.Minute).Unix()})), "made in the future"},
		{"no jti", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"jti": nil})), "has no jti"},
		{"no iat", withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"iat": nil})), "has no iat"},
		{"typ JWT", withDPoP(auth, sign(t, key, jose.ES256, map[string]any{"typ": "JWT", "jwk": jwk}, claims)), `has typ "JWT"`},
		{"alg none", withDPoP(auth, rawJWT(map[string]any{"typ": "dpop+jwt", "alg": "none", "jwk": jwk}, claims)), "is unsigned (alg none)"},
		{"HS256", withDPoP(auth, rawJWT(map[string]any{"typ": "dpop+jwt", "alg": "HS256", "jwk": jwk}, claims)), "signed with alg HS256"},
		{"no jwk", withDPoP(auth, sign(t, key, jose.ES256, map[string]any{"typ": "dpop+jwt"}, claims)), "has no jwk header"},
		{"a private key in jwk", withDPoP(auth, rawJWT(map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": withPrivate}, claims)), `holds private key material ("d")`},
		{"a signature by another key", withDPoP(auth, sign(t, newECKey(t), jose.ES256, map[string]any{"typ": "dpop+jwt", "jwk": jwk}, claims)), "does not verify with the key in its own jwk header"},
		{"two proofs", twoProofs, "carries 2 DPoP headers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, post(t, nil, tokenURL, clientCredentials, c.header), 400, "invalid_dpop_proof", c.why)
		})
	}
	// htu is compared as RFC 9449 §4.3 says: no query, scheme and host in any case.
	loud := strings.Replace(tokenURL, "http://", "HTTP://", 1) + "?ignored=1"
	if r := post(t, nil, tokenURL, clientCredentials, withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", loud, nil))); r.status != 200 || r.body["token_type"] != "DPoP" {
		t.Fatalf("a normalized htu: %d %v", r.status, r.body)
	}
	if r := post(t, nil, tokenURL, clientCredentials, withDPoP(auth, dpopProof(t, demoRSA(t), jose.PS256, "POST", tokenURL, nil))); r.status != 200 {
		t.Fatalf("a PS256 proof: %d %v", r.status, r.body)
	}
}

// demo-dpop-app must send proofs, and they must carry a server nonce: the
// token endpoint answers use_dpop_nonce with a DPoP-Nonce header, the API
// 401 with WWW-Authenticate: DPoP error="use_dpop_nonce".
func TestDPoPNoncesForDemoDPoPApp(t *testing.T) {
	s := spacetest.Start(t)
	id := spacetest.DemoDPoPClientID
	key := newECKey(t)
	tokenURL := s.URL + "/oauth/token"
	code, verifier := codeFor(t, s, id, nil)
	form := codeExchange(code, verifier, id)
	mustContain(t, post(t, nil, tokenURL, form, nil), 400, "invalid_dpop_proof", "demo-dpop-app must send a DPoP proof")
	r := post(t, nil, tokenURL, form, dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, nil)))
	mustContain(t, r, 400, "use_dpop_nonce", "make a new proof with the nonce from the DPoP-Nonce header")
	nonce := r.header.Get("DPoP-Nonce")
	if nonce == "" {
		t.Fatal("use_dpop_nonce without a DPoP-Nonce header")
	}
	mustContain(t, post(t, nil, tokenURL, form, dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"nonce": "made-up"}))),
		400, "use_dpop_nonce", "is not one the token and PAR endpoints gave out")
	r = post(t, nil, tokenURL, form, dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"nonce": nonce})))
	if r.status != 200 || r.body["token_type"] != "DPoP" || r.body["refresh_token"] == nil {
		t.Fatalf("with the nonce: %d %v", r.status, r.body)
	}
	at, rt := r.body["access_token"].(string), r.body["refresh_token"].(string)

	target := s.URL + profilePath
	a := getAPI(t, nil, target, "DPoP "+at, dpopProof(t, key, jose.ES256, "GET", target, map[string]any{"ath": accessTokenHash(at)}))
	apiNonce := a.header.Get("DPoP-Nonce")
	if a.status != 401 || !strings.Contains(a.header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`) || apiNonce == "" {
		t.Fatalf("API without a nonce: %d %v %v", a.status, a.header, a.body)
	}
	a = getAPI(t, nil, target, "DPoP "+at, dpopProof(t, key, jose.ES256, "GET", target, map[string]any{"ath": accessTokenHash(at), "nonce": nonce}))
	if a.status != 401 || !strings.Contains(a.desc(), "is not one the API gave out") {
		t.Fatalf("the token endpoint's nonce at the API: %d %v", a.status, a.body)
	}
	a = getAPI(t, nil, target, "DPoP "+at, dpopProof(t, key, jose.ES256, "GET", target, map[string]any{"ath": accessTokenHash(at), "nonce": apiNonce}))
	if a.status != 200 || a.body["username"] != "demo" {
		t.Fatalf("API with its nonce: %d %v", a.status, a.body)
	}

	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {id}}
	mustContain(t, post(t, nil, tokenURL, refresh, dpopHeader(dpopProof(t, newECKey(t), jose.ES256, "POST", tokenURL, map[string]any{"nonce": nonce}))),
		400, "invalid_grant", "signed by another key than the one this refresh token is bound to")
	r = post(t, nil, tokenURL, refresh, dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, map[string]any{"nonce": nonce})))
	if r.status != 200 || r.body["refresh_token"] == nil || r.body["refresh_token"] == rt || r.body["token_type"] != "DPoP" {
		t.Fatalf("refresh with the same key: %d %v", r.status, r.body)
	}
}

// A public client's refresh token issued with a proof is bound to the
// proof's key; a confidential client's is not (its authentication protects it).
func TestDPoPBindsAPublicClientsRefreshToken(t *testing.T) {
	s := spacetest.Start(t)
	key := newECKey(t)
	tokenURL := s.URL + "/oauth/token"
	code, verifier := codeFor(t, s, spacetest.DemoPublicClientID, nil)
	r := post(t, nil, tokenURL, codeExchange(code, verifier, spacetest.DemoPublicClientID), dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, nil)))
	if r.status != 200 || r.body["refresh_token"] == nil {
		t.Fatalf("%d %v", r.status, r.body)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r.body["refresh_token"].(string)}, "client_id": {spacetest.DemoPublicClientID}}
	mustContain(t, post(t, nil, tokenURL, refresh, nil), 400, "invalid_grant", "this refresh token is bound to a DPoP key")
	if r := post(t, nil, tokenURL, refresh, dpopHeader(dpopProof(t, key, jose.ES256, "POST", tokenURL, nil))); r.status != 200 {
		t.Fatalf("refresh with the key: %d %v", r.status, r.body)
	}

	code, verifier = codeFor(t, s, spacetest.DemoClientID, nil)
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	form := codeExchange(code, verifier, spacetest.DemoClientID)
	r = post(t, nil, tokenURL, form, withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, nil)))
	if r.status != 200 || r.body["refresh_token"] == nil {
		t.Fatalf("%d %v", r.status, r.body)
	}
	r = post(t, nil, tokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r.body["refresh_token"].(string)}}, auth)
	if r.status != 200 || r.body["token_type"] != "Bearer" {
		t.Fatalf("a confidential client's refresh without a proof: %d %v", r.status, r.body)
	}
}

func TestDPoPServerSwitches(t *testing.T) {
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	key := newECKey(t)
	t.Run("WithDPoPRequired", func(t *testing.T) {
		s := spacetest.Start(t, spacetest.WithDPoPRequired(true))
		mustContain(t, post(t, nil, s.URL+"/oauth/token", clientCredentials, auth), 400, "invalid_dpop_proof", "demo-app must send a DPoP proof")
		if r := post(t, nil, s.URL+"/oauth/token", clientCredentials, withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", s.URL+"/oauth/token", nil))); r.status != 200 || r.body["token_type"] != "DPoP" {
			t.Fatalf("%d %v", r.status, r.body)
		}
		q := codeRequest(spacetest.DemoClientID, "")
		q.Set("response_type", "token")
		loc, err := s.ApproveAuthorization(s.URL+"/oauth/auth?"+q.Encode(), "demo", true)
		u, _ := url.Parse(loc)
		frag, _ := url.ParseQuery(u.EscapedFragment())
		if err != nil || frag.Get("error") != "unauthorized_client" || !strings.Contains(frag.Get("error_description"), "implicit flow") {
			t.Fatalf("implicit under DPoP: %v %s", err, loc)
		}
	})
	t.Run("WithDPoPNonce", func(t *testing.T) {
		s := spacetest.Start(t, spacetest.WithDPoPNonce(true))
		r := post(t, nil, s.URL+"/oauth/token", clientCredentials, withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", s.URL+"/oauth/token", nil)))
		mustContain(t, r, 400, "use_dpop_nonce", "nonce")
		if r.header.Get("DPoP-Nonce") == "" {
			t.Fatal("no DPoP-Nonce")
		}
		if r := post(t, nil, s.URL+"/oauth/token", clientCredentials, auth); r.status != 200 || r.body["token_type"] != "Bearer" {
			t.Fatalf("without a proof, nonces do not apply: %d %v", r.status, r.body)
		}
	})
}

// dpop_jkt binds the code to a key at the authorization endpoint (RFC 9449 §10).
func TestDPoPJKTBindsTheCode(t *testing.T) {
	s := spacetest.Start(t)
	key := newECKey(t)
	tokenURL := s.URL + "/oauth/token"
	auth := basic(spacetest.DemoClientID, spacetest.DemoClientSecret)
	bound := url.Values{"dpop_jkt": {thumbprint(t, key.Public())}}
	code, verifier := codeFor(t, s, spacetest.DemoClientID, bound)
	mustContain(t, post(t, nil, tokenURL, codeExchange(code, verifier, spacetest.DemoClientID), withDPoP(auth, dpopProof(t, newECKey(t), jose.ES256, "POST", tokenURL, nil))),
		400, "invalid_grant", "another key than the one the authorization request named in dpop_jkt")
	code, verifier = codeFor(t, s, spacetest.DemoClientID, bound)
	mustContain(t, post(t, nil, tokenURL, codeExchange(code, verifier, spacetest.DemoClientID), auth), 400, "invalid_grant", "bound this code to a DPoP key")
	code, verifier = codeFor(t, s, spacetest.DemoClientID, bound)
	if r := post(t, nil, tokenURL, codeExchange(code, verifier, spacetest.DemoClientID), withDPoP(auth, dpopProof(t, key, jose.ES256, "POST", tokenURL, nil))); r.status != 200 || r.body["token_type"] != "DPoP" {
		t.Fatalf("%d %v", r.status, r.body)
	}
	q := codeRequest(spacetest.DemoClientID, "")
	q.Set("dpop_jkt", "short")
	loc, _ := s.ApproveAuthorization(s.URL+"/oauth/auth?"+q.Encode(), "demo", true)
	if u, _ := url.Parse(loc); u.Query().Get("error") != "invalid_request" || !strings.Contains(u.Query().Get("error_description"), "dpop_jkt") {
		t.Fatalf("a malformed dpop_jkt: %s", loc)
	}
}
