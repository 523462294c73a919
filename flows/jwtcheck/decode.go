package jwtcheck

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
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

// Decode splits and decodes a compact JWS. It checks structure only;
// VerifySignature checks the signature.
func Decode(s string) (*JWT, error) {
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
