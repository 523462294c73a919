package jwtcheck

import (
	"encoding/base64"
	"fmt"
	"sync"
	"testing"
)

// Decodings are kept for a few tokens: each token still gets its own
// claims, whatever was decoded before and however many goroutines ask at
// once, and a token that fails is never kept.
func TestDecodeKeepsEachTokenItsOwnClaims(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	token := func(i int) string {
		return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"sub":"user-%d"}`, i))) + ".sig"
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				n := (i + g) % 20 // more tokens than are kept
				j, err := Decode(token(n))
				if err != nil || j.Claims["sub"] != fmt.Sprintf("user-%d", n) {
					t.Errorf("token %d decoded as %v, %v", n, j, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, err := Decode("a.b"); err == nil {
		t.Fatal("two parts decoded")
	}
	if j := recent.get("a.b"); j != nil {
		t.Fatal("a failed decoding was kept")
	}
}
