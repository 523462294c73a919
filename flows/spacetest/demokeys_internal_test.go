package spacetest

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"testing"

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
	if got, want := demoSelfSignedThumbprint(), certThumbprint(mustParseCert(DemoSelfSignedCertPEM)); got != want {
		t.Errorf("demoSelfSignedTP = %s, the certificate's thumbprint is %s", got, want)
	}
	if demoClientCAPool() == nil || !demoClientCAPool().Equal(demoClientCAPool()) {
		t.Error("the client CA pool is not made once")
	}
}
