package flows

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// JWT is a decoded, not yet verified, JSON Web Token.
type JWT struct {
	Raw    string         `json:"-"`
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

// LooksLikeJWT tells a JWT from an opaque token without parsing it.
func LooksLikeJWT(s string) bool {
	return strings.Count(s, ".") == 2 && strings.HasPrefix(s, "eyJ")
}

// DecodeJWT splits and decodes a compact JWS. It checks structure only;
// VerifySignature checks the signature.
func DecodeJWT(s string) (*JWT, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("a JWT has three parts separated by dots; this has %d", len(parts))
	}
	j := &JWT{Raw: s}
	if err := decodeSegment(parts[0], &j.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := decodeSegment(parts[1], &j.Claims); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	if _, ok := j.Header["alg"].(string); !ok {
		return nil, errors.New("header has no alg")
	}
	return j, nil
}

func decodeSegment(seg string, into *map[string]any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if *into == nil {
		return errors.New("not a JSON object")
	}
	return nil
}

// Alg is the header's signing algorithm.
func (j *JWT) Alg() string { s, _ := j.Header["alg"].(string); return s }

// Str returns a string claim.
func (j *JWT) Str(name string) string { s, _ := j.Claims[name].(string); return s }

// Time returns a NumericDate claim (RFC 7519 §2).
func (j *JWT) Time(name string) (time.Time, bool) {
	switch v := j.Claims[name].(type) {
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(int64(f), 0), true
	case float64:
		return time.Unix(int64(v), 0), true
	}
	return time.Time{}, false
}

// Audience returns aud as a list: RFC 7519 allows a string or an array.
func (j *JWT) Audience() []string {
	switch v := j.Claims["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

var acceptedAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// VerifySignature checks the JWT against a key set. Space signs without a
// kid, so when the header has none every key is tried.
func VerifySignature(token string, set *jose.JSONWebKeySet) (keyID string, err error) {
	jws, err := jose.ParseSignedCompact(token, acceptedAlgs)
	if err != nil {
		return "", fmt.Errorf("cannot parse the signature: %w", err)
	}
	if set == nil || len(set.Keys) == 0 {
		return "", errors.New("the key set is empty")
	}
	keys := set.Keys
	if kid := jws.Signatures[0].Header.KeyID; kid != "" {
		keys = set.Key(kid)
		if len(keys) == 0 {
			return "", fmt.Errorf("no key with kid %q in the key set (the keys may have rotated)", kid)
		}
	}
	for _, k := range keys {
		if _, err := jws.Verify(k); err == nil {
			return k.KeyID, nil
		}
	}
	return "", errors.New("no key in the set verifies the signature: the token was altered or signed by someone else")
}

// ParseJWKS reads a JSON Web Key Set. Space's public-keys API returns the set
// as a JSON string, so a quoted set is unwrapped first.
func ParseJWKS(b []byte) (*jose.JSONWebKeySet, error) {
	var quoted string
	if json.Unmarshal(b, &quoted) == nil {
		b = []byte(quoted)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	if len(set.Keys) == 0 {
		return nil, errors.New("the key set has no keys")
	}
	return &set, nil
}

// halfHash computes at_hash: the left half of the token's hash, with the
// hash the ID token's alg names (OIDC Core §3.1.3.6).
func halfHash(alg, accessToken string) (string, bool) {
	if len(alg) < 5 {
		return "", false
	}
	var h hash.Hash
	switch alg[len(alg)-3:] {
	case "256":
		h = sha256.New()
	case "384":
		h = sha512.New384()
	case "512":
		h = sha512.New()
	default:
		return "", false
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), true
}
