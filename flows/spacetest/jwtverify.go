package spacetest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// The JWTs clients send (client assertions, grant assertions, request
// objects, DPoP proofs) are read here: the header first, so that a refusal
// can say what was wrong before any key is tried, then the signature, then
// the registered claims.

// Signature algorithms accepted from clients. HS256 only with a client
// secret of at least 32 bytes (RFC 7518 §3.2).
var (
	keyAlgs  = []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256}
	dpopAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.EdDSA}
)

const minHMACKey = 32 // bytes: RFC 7518 §3.2 wants an HS256 key as long as the hash

func algNames(algs []jose.SignatureAlgorithm) []string {
	out := make([]string, len(algs))
	for i, a := range algs {
		out[i] = string(a)
	}
	return out
}

// jwsHeader is a compact JWS's protected header, read without trusting it.
type jwsHeader struct {
	Alg string                     `json:"alg"`
	Typ string                     `json:"typ"`
	Kid string                     `json:"kid"`
	JWK map[string]json.RawMessage `json:"jwk"`
}

// readHeader decodes the header of a compact JWS.
func readHeader(compact string) (jwsHeader, error) {
	var h jwsHeader
	parts := strings.Split(compact, ".")
	switch {
	case len(parts) == 5:
		return h, errors.New("is an encrypted JWT (JWE); this server accepts signed JWTs (JWS) only")
	case len(parts) != 3:
		return h, errors.New("is not a JWT in compact form (three base64url parts joined by dots)")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return h, errors.New("has a header that is not base64url without padding")
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, errors.New("has a header that is not a JSON object")
	}
	return h, nil
}

// readClaims decodes the claims of a compact JWS whose signature has not
// been checked: only to learn which client or issuer it claims to be from.
func readClaims(compact string, into any) error {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return errors.New("is not a JWT in compact form")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("has claims that are not base64url without padding")
	}
	if err := json.Unmarshal(b, into); err != nil {
		return errors.New("has claims that are not a JSON object with the registered claim types (RFC 7519 §4.1): " + err.Error())
	}
	return nil
}

// unsigned reports an alg that signs nothing.
func unsigned(alg string) bool { return alg == "" || strings.EqualFold(alg, "none") }

// keyOwner is whose keys verify a JWT: a client's JWKS and secret, or a
// trusted issuer's JWKS.
type keyOwner struct {
	name   string // for messages: "demo-jwt-app", "issuer demo-app"
	jwks   *jose.JSONWebKeySet
	secret string // for HS256; "" when a shared secret may not sign
}

// verifySignature checks compact's signature with owner's keys and
// returns the payload. Every error says why in a sentence that continues
// "the <thing> ...".
func verifySignature(compact string, h jwsHeader, owner keyOwner) ([]byte, error) {
	switch {
	case unsigned(h.Alg):
		return nil, errors.New("is unsigned (alg " + orNone(h.Alg) + "), and an unsigned JWT proves nothing")
	case h.Alg == string(jose.HS256):
		return verifyHMAC(compact, owner)
	case !slices.Contains(algNames(keyAlgs), h.Alg):
		return nil, fmt.Errorf("is signed with alg %s, which this server does not accept; use %s, or HS256 with a client secret", h.Alg, strings.Join(algNames(keyAlgs), ", "))
	}
	if owner.jwks == nil || len(owner.jwks.Keys) == 0 {
		return nil, fmt.Errorf("is signed with %s, but %s has no registered public key", h.Alg, owner.name)
	}
	jws, err := jose.ParseSignedCompact(compact, keyAlgs)
	if err != nil {
		return nil, errors.New("could not be parsed: " + err.Error())
	}
	candidates := owner.jwks.Keys
	if h.Kid != "" {
		candidates = owner.jwks.Key(h.Kid)
		if len(candidates) == 0 {
			return nil, fmt.Errorf("names key %q (kid), which is not a key registered for %s", h.Kid, owner.name)
		}
	}
	for _, k := range candidates {
		if !keyFitsAlg(k.Key, h.Alg) {
			continue
		}
		if payload, err := jws.Verify(k.Key); err == nil {
			return payload, nil
		}
	}
	return nil, fmt.Errorf("is signed by a key that is not registered for %s (no registered %s key verifies its signature)", owner.name, h.Alg)
}

func verifyHMAC(compact string, owner keyOwner) ([]byte, error) {
	switch {
	case owner.secret == "":
		return nil, fmt.Errorf("is signed with HS256 (a shared secret), but %s has no client secret to check it with", owner.name)
	case len(owner.secret) < minHMACKey:
		return nil, fmt.Errorf("is signed with HS256, but %s's client secret is %d bytes, shorter than the %d bytes an HS256 key must have (RFC 7518 §3.2)", owner.name, len(owner.secret), minHMACKey)
	}
	jws, err := jose.ParseSignedCompact(compact, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		return nil, errors.New("could not be parsed: " + err.Error())
	}
	payload, err := jws.Verify([]byte(owner.secret))
	if err != nil {
		return nil, fmt.Errorf("has an HS256 signature that %s's client secret does not verify (signed with another secret?)", owner.name)
	}
	return payload, nil
}

// keyFitsAlg reports whether a public key can check alg, so that a key
// of another type is skipped rather than counted as a bad signature.
func keyFitsAlg(key any, alg string) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return (alg == string(jose.RS256) || alg == string(jose.PS256)) && k.N.BitLen() >= 2048
	case *ecdsa.PublicKey:
		return alg == string(jose.ES256) && k.Curve == elliptic.P256()
	case ed25519.PublicKey:
		return alg == string(jose.EdDSA)
	}
	return false
}

// claimSet is the registered claims of RFC 7519 §4.1.
type claimSet struct {
	Iss string           `json:"iss"`
	Sub string           `json:"sub"`
	Aud jwt.Audience     `json:"aud"`
	Exp *jwt.NumericDate `json:"exp"`
	Nbf *jwt.NumericDate `json:"nbf"`
	Iat *jwt.NumericDate `json:"iat"`
	Jti string           `json:"jti"`
}

// checkTimes checks exp (required, in the future, at most maxTTL ahead),
// nbf and iat (not in the future), allowing clockSkew either way.
func checkTimes(c claimSet, now time.Time, maxTTL time.Duration) error {
	if c.Exp == nil {
		return errors.New("has no exp: it must say when it expires")
	}
	exp := c.Exp.Time()
	switch {
	case !now.Before(exp.Add(clockSkew)):
		return fmt.Errorf("expired at %s, %s ago", clock(exp), roundSeconds(now.Sub(exp)))
	case exp.After(now.Add(maxTTL + clockSkew)):
		return fmt.Errorf("expires at %s, %s from now; this server accepts at most %s", clock(exp), roundSeconds(exp.Sub(now)), maxTTL)
	case c.Nbf != nil && c.Nbf.Time().After(now.Add(clockSkew)):
		return fmt.Errorf("is not valid before %s (nbf), %s from now", clock(c.Nbf.Time()), roundSeconds(c.Nbf.Time().Sub(now)))
	case c.Iat != nil && c.Iat.Time().After(now.Add(clockSkew)):
		return fmt.Errorf("was issued in the future (iat %s, %s from now); is a clock wrong?", clock(c.Iat.Time()), roundSeconds(c.Iat.Time().Sub(now)))
	}
	return nil
}

func clock(t time.Time) string { return t.UTC().Format("15:04:05 UTC") }

func roundSeconds(d time.Duration) time.Duration { return d.Round(time.Second) }

// audienceIncludes reports whether aud names one of want.
func audienceIncludes(aud jwt.Audience, want []string) bool {
	for _, a := range aud {
		if slices.Contains(want, a) {
			return true
		}
	}
	return false
}

// typAllowed reports whether a JWT's typ header is absent or one of ok:
// explicit typing keeps a JWT made for one purpose from passing for another
// (RFC 8725 §3.11).
func typAllowed(typ string, ok ...string) bool {
	if typ == "" {
		return true
	}
	for _, t := range ok {
		if strings.EqualFold(typ, t) {
			return true
		}
	}
	return false
}

// unmarshalBoth decodes a verified payload into the registered claims and
// into a second value for the claims of one use.
func unmarshalBoth(payload []byte, c *claimSet, extra any) error {
	if err := json.Unmarshal(payload, c); err != nil {
		return errors.New("has claims that are not a JSON object with the registered claim types (RFC 7519 §4.1): " + err.Error())
	}
	if err := json.Unmarshal(payload, extra); err != nil {
		return errors.New("has claims of the wrong type: " + err.Error())
	}
	return nil
}
