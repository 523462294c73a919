package jwtcheck

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

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
