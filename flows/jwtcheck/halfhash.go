package jwtcheck

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
)

// HalfHash computes at_hash: the left half of the token's hash, with the
// hash the ID token's alg names (OIDC Core §3.1.3.6).
func HalfHash(alg, accessToken string) (string, bool) {
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
