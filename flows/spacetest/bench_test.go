package spacetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/spacetest"
)

// BenchmarkTokenIssuance is one client-credentials token through the token
// endpoint's handler: form parsing, client authentication, scope check,
// signing and JSON. Compare with BenchmarkBareRS512Signature:
//
//	go test -run '^$' -bench 'TokenIssuance|BareRS512' ./flows/spacetest/
func BenchmarkTokenIssuance(b *testing.B) {
	s := spacetest.Start(b)
	if err := s.WaitKey(); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	body := "grant_type=client_credentials&scope=%2A%2A"
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Body.String())
		}
	}
}

// BenchmarkBareRS512Signature is the floor: one RS512 JWS over claims of the
// same shape, with the same key.
func BenchmarkBareRS512Signature(b *testing.B) {
	key, err := spacetest.SharedTestKey()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{
		"sub": "demo-app", "aud": "demo-app", "orgDomain": "demo", "scope": "**", "name": "Demo App",
		"iss": "http://127.0.0.1:9090", "principal_type": "SERVICE", "iat": now.Unix(), "exp": now.Add(600 * time.Second).Unix(), "sid": "0123456789abcdef",
	})
	b.ResetTimer()
	for b.Loop() {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS512, Key: key}, nil)
		if err != nil {
			b.Fatal(err)
		}
		jws, err := signer.Sign(claims)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := jws.CompactSerialize(); err != nil {
			b.Fatal(err)
		}
	}
}
