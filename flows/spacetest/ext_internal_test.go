package spacetest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
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

// tls_client_auth wants the registered subject, and any certificate must be
// valid now; only the package can change a registration to show the first.
func TestTLSClientAuthChecksSubjectAndValidity(t *testing.T) {
	clock := struct {
		sync.Mutex
		t time.Time
	}{t: time.Now()}
	now := func() time.Time { clock.Lock(); defer clock.Unlock(); return clock.t }
	s := Start(t, WithTLS(""), WithClock(now))
	cert, err := tls.X509KeyPair([]byte(DemoClientCertPEM), []byte(DemoClientCertKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := os.ReadFile(s.CACertFile())
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	send := func() (int, string) {
		resp, err := client.PostForm(s.MTLSURL()+pathToken, url.Values{"grant_type": {"client_credentials"}, "client_id": {DemoMTLSClientID}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		d, _ := body["error_description"].(string)
		return resp.StatusCode, d
	}
	s.mu.Lock()
	s.apps[DemoMTLSClientID].TLSSubjectDN = "CN=someone-else"
	s.mu.Unlock()
	if st, d := send(); st != 401 || !strings.Contains(d, `subject is "CN=demo-mtls-app,O=authplay demo", but demo-mtls-app registered "CN=someone-else"`) {
		t.Fatalf("another subject: %d %s", st, d)
	}
	s.mu.Lock()
	s.apps[DemoMTLSClientID].TLSSubjectDN = DemoMTLSSubjectDN
	s.mu.Unlock()
	if st, d := send(); st != 200 {
		t.Fatalf("the registered subject: %d %s", st, d)
	}
	clock.Lock()
	clock.t = time.Date(2127, 1, 1, 0, 0, 0, 0, time.UTC)
	clock.Unlock()
	if st, d := send(); st != 401 || !strings.Contains(d, "valid from 2026-01-01 to 2126-01-01, not now") {
		t.Fatalf("an expired certificate: %d %s", st, d)
	}
}
