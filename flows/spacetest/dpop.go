package spacetest

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// DPoP (RFC 9449): the client signs a fresh proof for every request with a
// key it keeps; tokens issued with a proof are bound to that key (cnf.jkt),
// so a stolen token is useless without the key.

const dpopType = "dpop+jwt"

type nonceScope string

// The token endpoint and the API are separate servers in RFC 9449's model
// (§8 and §9), so a nonce from one is not good at the other.
const (
	nonceAtServer nonceScope = "token and PAR endpoints"
	nonceAtAPI    nonceScope = "API"
)

// proofRequest says what a proof must satisfy beyond its own validity.
type proofRequest struct {
	accessToken   string // the token it accompanies, for ath; "" at the token endpoint
	nonceRequired bool
	nonceScope    nonceScope
}

type dpopProof struct {
	jkt string // RFC 7638 thumbprint of the proof's key
}

// proofError is a refused proof: invalid_dpop_proof, or use_dpop_nonce
// with a fresh nonce to retry with.
type proofError struct {
	code, desc, nonce string
}

func (e *proofError) oauth() *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: e.code, Description: e.desc, dpopNonce: e.nonce}
}

func (e *proofError) api() *apiError {
	a := dpopChallenge(authRequired(e.desc), e.code)
	a.dpopNonce = e.nonce
	return a
}

// dpopChallenge answers with RFC 9449 §7.1's WWW-Authenticate: the DPoP
// scheme, the algorithms a proof may use, and the error code.
func dpopChallenge(e *apiError, code string) *apiError {
	e.challenge = fmt.Sprintf(`DPoP algs="%s", error="%s"`, strings.Join(algNames(dpopAlgs), " "), code)
	return e
}

// verifyProof checks the DPoP header of r. It returns nil, nil when there
// is none.
func (s *Server) verifyProof(r *http.Request, pr proofRequest) (*dpopProof, *proofError) {
	values := r.Header.Values("DPoP")
	if len(values) == 0 {
		return nil, nil
	}
	bad := func(format string, a ...any) (*dpopProof, *proofError) {
		return nil, &proofError{code: "invalid_dpop_proof", desc: fmt.Sprintf(format, a...)}
	}
	if len(values) > 1 {
		return bad("the request carries %d DPoP headers; send exactly one proof (RFC 9449 §4.3)", len(values))
	}
	proof := values[0]
	h, err := readHeader(proof)
	switch {
	case err != nil:
		return bad("the DPoP proof %s", err)
	case h.Typ != dpopType:
		return bad("the DPoP proof has typ %q; a proof must have typ %s (RFC 9449 §4.2)", h.Typ, dpopType)
	case unsigned(h.Alg):
		return bad("the DPoP proof is unsigned (alg %s); sign it with the private key whose public half is in its jwk header", orNone(h.Alg))
	case !slices.Contains(algNames(dpopAlgs), h.Alg):
		return bad("the DPoP proof is signed with alg %s; a proof must be signed with a private key, using one of %s", h.Alg, strings.Join(algNames(dpopAlgs), ", "))
	case h.JWK == nil:
		return bad("the DPoP proof has no jwk header: it must carry the public key that signed it")
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
		if _, ok := h.JWK[private]; ok {
			return bad("the DPoP proof's jwk header holds private key material (%q); send only the public key, and treat this key as leaked", private)
		}
	}
	jws, err := jose.ParseSignedCompact(proof, dpopAlgs)
	if err != nil {
		return bad("the DPoP proof could not be parsed: %v", err)
	}
	jwk := jws.Signatures[0].Protected.JSONWebKey
	if jwk == nil || !keyFitsAlg(jwk.Key, h.Alg) {
		return bad("the DPoP proof's jwk is not a public key for %s (RSA keys need at least 2048 bits, ES256 a P-256 key)", h.Alg)
	}
	payload, err := jws.Verify(jwk.Key)
	if err != nil {
		return bad("the DPoP proof's signature does not verify with the key in its own jwk header")
	}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return bad("the DPoP proof's jwk has no thumbprint: %v", err)
	}
	jkt := base64.RawURLEncoding.EncodeToString(tp)
	var c struct {
		Jti, Htm, Htu, Ath, Nonce string
		Iat                       *jwt.NumericDate
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return bad("the DPoP proof's claims are not a JSON object of the right types: %v", err)
	}
	want := requestURL(r)
	now := s.now()
	switch got, ok := normalizeHTU(c.Htu); {
	case c.Jti == "":
		return bad("the DPoP proof has no jti; every proof needs a unique one so that it cannot be replayed")
	case c.Htm != r.Method:
		return bad("the DPoP proof's htm is %q, but this request is %s; a proof is good for one method and URL", c.Htm, r.Method)
	case !ok:
		return bad("the DPoP proof's htu %q is not an absolute http(s) URL; it must be this request's URL, %s", c.Htu, want)
	case got != want:
		return bad("the DPoP proof's htu is %s, but this request went to %s; a proof is good for one URL only (without query or fragment)", got, want)
	case c.Iat == nil:
		return bad("the DPoP proof has no iat; it must say when it was made")
	case now.Sub(c.Iat.Time()) > proofMaxAge:
		return bad("the DPoP proof is stale: made %s ago (iat %s), and a proof may be at most %s old; make a new proof for every request", roundSeconds(now.Sub(c.Iat.Time())), clock(c.Iat.Time()), proofMaxAge)
	case c.Iat.Time().Sub(now) > clockSkew:
		return bad("the DPoP proof was made in the future (iat %s, %s from now); is a clock wrong?", clock(c.Iat.Time()), roundSeconds(c.Iat.Time().Sub(now)))
	}
	if pr.accessToken != "" {
		switch {
		case c.Ath == "":
			return bad("the DPoP proof has no ath; at the API a proof must carry the hash of the access token it accompanies (RFC 9449 §4.2)")
		case !secretEqual(c.Ath, s256(pr.accessToken)):
			return bad("the DPoP proof's ath is not the hash of this access token; the proof was made for another token")
		}
	}
	switch {
	case c.Nonce == "" && pr.nonceRequired:
		return nil, &proofError{code: "use_dpop_nonce", nonce: s.newNonce(pr.nonceScope),
			desc: fmt.Sprintf("this server wants a nonce in the DPoP proofs sent to its %s; make a new proof with the nonce from the DPoP-Nonce header and send the request again (RFC 9449 §8)", pr.nonceScope)}
	case c.Nonce != "" && !s.nonceValid(c.Nonce, pr.nonceScope):
		return nil, &proofError{code: "use_dpop_nonce", nonce: s.newNonce(pr.nonceScope),
			desc: fmt.Sprintf("the DPoP proof's nonce is not one the %s gave out, or it has expired (nonces live %s); retry with the nonce from the DPoP-Nonce header", pr.nonceScope, nonceTTL)}
	}
	switch s.remember(s.ext.proofs, "proof|"+jkt+"|"+c.Jti) {
	case replaySeen:
		return bad("the DPoP proof's jti was already used: a proof is good for one request; make a new one for each")
	case replayFull:
		return bad("the server already remembers as many recent DPoP proofs as it can hold, so it cannot tell whether this one is replayed; try again in a minute")
	}
	return &dpopProof{jkt: jkt}, nil
}

// requestURL is the URL a proof's htu must name: how the client addressed
// this request, without query or fragment.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u, _ := normalizeHTU(scheme + "://" + r.Host + r.URL.EscapedPath())
	return u
}

// normalizeHTU applies RFC 3986 §6.2.2 and §6.2.3 as RFC 9449 §4.3 asks:
// scheme and host compared without case, a default port dropped, query and
// fragment ignored.
func normalizeHTU(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	hostport := host
	switch {
	case port != "":
		hostport = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		hostport = "[" + host + "]"
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + hostport + path, true
}

func (s *Server) nonceRequired(app *App) bool {
	return s.ext.cfg.dpopNonce || (app != nil && app.DPoPNonce)
}

func (s *Server) newNonce(scope nonceScope) string {
	n := randomID(16)
	s.ext.mu.Lock()
	s.ext.nonces.put(n, string(scope))
	s.ext.mu.Unlock()
	return n
}

func (s *Server) nonceValid(n string, scope nonceScope) bool {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	got, ok := s.ext.nonces.get(n)
	return ok && got == string(scope)
}

// authenticateDPoP checks an API request made with Authorization: DPoP: a
// DPoP-bound token and a proof by its key, for this request and this token.
func (s *Server) authenticateDPoP(r *http.Request, tok string) (*tokenInfo, *apiError) {
	info, err := s.bearer(tok)
	if err != nil {
		return nil, dpopChallenge(invalidToken(err.Error()), "invalid_token")
	}
	if aerr := s.apiBindingProblem(r, info, true); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	app := s.apps[info.ClientID]
	s.mu.Unlock()
	proof, perr := s.verifyProof(r, proofRequest{accessToken: tok, nonceRequired: s.nonceRequired(app), nonceScope: nonceAtAPI})
	switch {
	case perr != nil:
		return nil, perr.api()
	case proof == nil:
		return nil, dpopChallenge(authRequired("Authorization: DPoP needs a DPoP header with a proof made for this request"), "invalid_dpop_proof")
	case proof.jkt != info.JKT:
		return nil, dpopChallenge(invalidToken("the DPoP proof is signed by another key than the one this access token is bound to (cnf.jkt)"), "invalid_token")
	}
	return info, nil
}
