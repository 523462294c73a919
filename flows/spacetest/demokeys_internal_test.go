package spacetest

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// TestDemoPublicMaterialMatchesTheKeys: the written-out public half is
// what the published keys and certificate give, so a changed key cannot
// leave a stale key set behind.
func TestDemoPublicMaterialMatchesTheKeys(t *testing.T) {
	var want jose.JSONWebKeySet
	for _, p := range []string{DemoClientKeyPEM, DemoClientECKeyPEM} {
		pub := jose.JSONWebKey{Key: mustParseKey(p).Public(), Use: "sig"}
		tp, err := pub.Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
		want.Keys = append(want.Keys, pub)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, err := json.Marshal(demoClientJWKS())
	if err != nil {
		t.Fatal(err)
	}
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("demoClientPublicJWKS is not the keys' public half:\n got %s\nwant %s", gotJSON, wantJSON)
	}
	if got, want := demoSelfSignedTP, certThumbprint(mustParseCert(DemoSelfSignedCertPEM)); got != want {
		t.Errorf("demoSelfSignedTP = %s, the certificate's thumbprint is %s", got, want)
	}
	pool := demoClientCAPool()
	if pool == nil || pool != demoClientCAPool() {
		t.Error("the client CA pool is not made once")
	}
	leaf := mustParseCert(DemoClientCertPEM)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, CurrentTime: leaf.NotBefore.Add(time.Hour)}); err != nil {
		t.Errorf("the demo client certificate does not verify against the client CA pool: %v", err)
	}
	if _, err := mustParseCert(DemoSelfSignedCertPEM).Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err == nil {
		t.Error("the self-signed certificate verifies against the client CA pool: the pool trusts too much")
	}
}
