package jwtcheck_test

import (
	"testing"

	"github.com/authplay/authplay/flows/jwtcheck"
)

// A parser must return a value or an error for any input: never panic,
// never hang, never echo a huge input back whole.

func FuzzParseJWKS(f *testing.F) {
	f.Add(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`)
	f.Add(`"{\"keys\":[]}"`)
	f.Add(`{"keys":[{"kty":"EC"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		set, err := jwtcheck.ParseJWKS([]byte(s))
		if err == nil && len(set.Keys) == 0 {
			t.Fatal("accepted an empty key set")
		}
	})
}
