package spacetest

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"sync"

	"github.com/go-jose/go-jose/v4"
)

// WriteDemoClientKey writes DemoClientKeyPEM, the private key
// `authplay demo-server --print-client-key` prints: demo-jwt-app's key for
// private_key_jwt and the key demo-app's JWT-bearer grant trusts. It writes
// the PEM alone, so the output can be saved straight to a key file; say
// elsewhere that the key is published demo material.
func WriteDemoClientKey(w io.Writer) error {
	_, err := io.WriteString(w, DemoClientKeyPEM)
	return err
}

// The public half of the published demo material, written out: deriving it
// at start (parsing the RSA private key alone takes about 0.3 ms) sat on
// the path to the TUI's first frame, which starts the built-in server.
// TestDemoPublicMaterialMatchesTheKeys derives it from the keys and
// certificate and holds these constants to it.
const (
	// demoClientPublicJWKS is the public half of DemoClientKeyPEM and
	// DemoClientECKeyPEM, each with its RFC 7638 thumbprint as kid.
	demoClientPublicJWKS = `{"keys":[` +
		`{"use":"sig","kty":"RSA","kid":"oMxJaHOmUNFW-5FPWgY-7N7A1z2ksxnBbglZ3COPsn4",` +
		`"n":"9I426hOibwVWyKR4Gq8OZ4pcLKDkpntryDyq-8JHfPEJVCKz_yluTlvFOCwe7-rwJYjnHaFHNOyKiH1aKm56GTFoG3EOhwfGEvXQUvuG90trCfFYh9Xb2-rhzJiMIiklV0BCJ_vjxtx5wV1l5fFqNZZ8TfOQTEGfNRf2KAXJInZnTpZ5GTrYR9v3qov-rSMuRSRBG9c2ZXT74rI38uNXKVyj7ge1HL1EMcmjmv9AQAmLLpcbz5UvPXp22ECtpiPqD162msuiQ8kmPZPKVC6SCbQkDFJXMkkYMXbMfPyIZV1r9MGXGeGBpOj6Shr4eGOwyIaiCo5qQvhzjMAlD_jpgw",` +
		`"e":"AQAB"},` +
		`{"use":"sig","kty":"EC","kid":"ErlGWeOaL6pKDZZ5Gu7hfoJ2ZF9jsjV3J3vOECcUz6U","crv":"P-256",` +
		`"x":"677It4a9BakPsH7QglD5V18u5ef51Txymi3Hx_e83nY","y":"WCDQsIq6LGrzrQW9v-HRyFT5CAOdQQC8MaF390g0hXk"}]}`
	// demoSelfSignedTP is DemoSelfSignedCertPEM's SHA-256 thumbprint.
	demoSelfSignedTP = "Gn-Azet_K9Sary55AkBFLlTFsb0HrFbnyB216cgF76g"
)

// demoJWKS is the parsed public key set, made on first use.
var demoJWKS = sync.OnceValue(func() jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(demoClientPublicJWKS), &set); err != nil {
		panic("spacetest: demo key set: " + err.Error())
	}
	return set
})

// demoClientJWKS is the public half of demo-jwt-app's two keys, each with
// its RFC 7638 thumbprint as kid. Every call returns a new copy.
func demoClientJWKS() *jose.JSONWebKeySet {
	return &jose.JSONWebKeySet{Keys: append([]jose.JSONWebKey(nil), demoJWKS().Keys...)}
}

// demoClientCAPool trusts the demo client CA; only the mTLS port needs it,
// so it is parsed on that port's first use.
var demoClientCAPool = sync.OnceValue(func() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(mustParseCert(DemoClientCACertPEM))
	return pool
})

// certThumbprint is RFC 8705 §3.1's x5t#S256: base64url of the SHA-256 of
// the certificate's DER.
func certThumbprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// The demo material is a constant of this package, so a parse failure is a
// broken build, not a run-time condition.
func mustParseKey(p string) crypto.Signer {
	blk, _ := pem.Decode([]byte(p))
	if blk == nil {
		panic("spacetest: demo key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		panic("spacetest: demo key: " + err.Error())
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		panic(fmt.Sprintf("spacetest: demo key is a %T", k))
	}
	return signer
}

func mustParseCert(p string) *x509.Certificate {
	blk, _ := pem.Decode([]byte(p))
	if blk == nil {
		panic("spacetest: demo certificate is not PEM")
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		panic("spacetest: demo certificate: " + err.Error())
	}
	return c
}
