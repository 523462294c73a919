package spacetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The replay stores refuse rather than forget: when one is full, a new
// JWT waits, and no jti it still holds can be used again.
func TestClientAssertionReplayStoreIsBounded(t *testing.T) {
	s := Start(t, func(c *config) { c.maxEntries = 1 }) // room for replayCapFactor assertions
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: mustParseKey(DemoClientKeyPEM)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertion := func(jti string) string {
		payload, _ := json.Marshal(map[string]any{"iss": DemoJWTClientID, "sub": DemoJWTClientID, "aud": s.URL + pathToken,
			"exp": time.Now().Add(time.Minute).Unix(), "jti": jti})
		jws, _ := signer.Sign(payload)
		out, _ := jws.CompactSerialize()
		return out
	}
	send := func(a string) (int, string) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {ClientAssertionType}, "client_assertion": {a}}
		resp, err := http.PostForm(s.URL+pathToken, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		d, _ := body["error_description"].(string)
		return resp.StatusCode, d
	}
	for i := range replayCapFactor {
		if st, d := send(assertion("jti-" + string(rune('a'+i)))); st != 200 {
			t.Fatalf("assertion %d: %d %s", i, st, d)
		}
	}
	if st, d := send(assertion("one-too-many")); st != 503 || !strings.Contains(d, "as many recent client assertion identifiers") {
		t.Fatalf("a full store: %d %s", st, d)
	}
	if st, d := send(assertion("jti-a")); st != 401 || !strings.Contains(d, "already used") {
		t.Fatalf("a held jti: %d %s", st, d)
	}
	s.ext.mu.Lock()
	held := s.ext.assertions.seen.len()
	s.ext.mu.Unlock()
	if held != replayCapFactor {
		t.Fatalf("the store holds %d, want %d", held, replayCapFactor)
	}
}
