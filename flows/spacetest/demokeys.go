package spacetest

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
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

// demoMaterial is the parsed form of the published demo keys, made once.
var demoMaterial struct {
	once       sync.Once
	jwks       jose.JSONWebKeySet
	clientCA   *x509.CertPool
	selfSigned string // SHA-256 thumbprint of DemoSelfSignedCertPEM
}

func loadDemoMaterial() {
	demoMaterial.once.Do(func() {
		for _, p := range []string{DemoClientKeyPEM, DemoClientECKeyPEM} {
			signer := mustParseKey(p)
			pub := jose.JSONWebKey{Key: signer.Public(), Use: "sig"}
			tp, err := pub.Thumbprint(crypto.SHA256)
			if err != nil {
				panic("spacetest: demo key: " + err.Error())
			}
			pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
			demoMaterial.jwks.Keys = append(demoMaterial.jwks.Keys, pub)
		}
		demoMaterial.clientCA = x509.NewCertPool()
		demoMaterial.clientCA.AddCert(mustParseCert(DemoClientCACertPEM))
		demoMaterial.selfSigned = certThumbprint(mustParseCert(DemoSelfSignedCertPEM))
	})
}

// demoClientJWKS is the public half of demo-jwt-app's two keys, each with
// its RFC 7638 thumbprint as kid. Every call returns a new copy.
func demoClientJWKS() *jose.JSONWebKeySet {
	loadDemoMaterial()
	set := jose.JSONWebKeySet{Keys: append([]jose.JSONWebKey(nil), demoMaterial.jwks.Keys...)}
	return &set
}

func demoSelfSignedThumbprint() string {
	loadDemoMaterial()
	return demoMaterial.selfSigned
}

func demoClientCAPool() *x509.CertPool {
	loadDemoMaterial()
	return demoMaterial.clientCA
}

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
