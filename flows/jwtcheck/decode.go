package jwtcheck

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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
//
// The JWT returned is shared with other callers that decode the same
// token: read it, never change it. The inspector judges and shows one
// token several times on every frame, and parsing its JSON was half the
// cost of a frame, so the last few decodings are kept (tokens the process
// holds anyway, in memory only).
func Decode(s string) (*JWT, error) {
	if j := recent.get(s); j != nil {
		return j, nil
	}
	j, err := decode(s)
	if err == nil {
		recent.put(s, j)
	}
	return j, err
}

// recent are the last decodings, a few of them, oldest out first.
var recent = &decodeMemo{}

type decodeMemo struct {
	mu      sync.Mutex
	entries [8]struct {
		raw string
		jwt *JWT
	}
	next int
}

func (m *decodeMemo) get(s string) *JWT {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if e.jwt != nil && e.raw == s {
			return e.jwt
		}
	}
	return nil
}

func (m *decodeMemo) put(s string, j *JWT) {
	if len(s) > 64<<10 {
		return // a token this large is rare, and not worth holding
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[m.next].raw, m.entries[m.next].jwt = s, j
	m.next = (m.next + 1) % len(m.entries)
}

func decode(s string) (*JWT, error) {
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
