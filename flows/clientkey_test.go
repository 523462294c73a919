package flows_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

func pemOf(t testing.TB, typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// Every key file a person is likely to hold is read, or refused with what
// it holds instead.
func TestParseClientKeyFormatsAndRefusals(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384der, _ := x509.MarshalPKCS8PrivateKey(p384)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	p224der, _ := x509.MarshalECPrivateKey(p224)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	edder, _ := x509.MarshalPKCS8PrivateKey(ed)
	pub, _ := x509.MarshalPKIXPublicKey(p384.Public())
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
	for _, c := range []struct{ name, pem, alg, err string }{
		{"RSA PKCS#8", spacetest.DemoClientKeyPEM, "RS256", ""},
		{"RSA PKCS#1", demoKeyIn(t, spacetest.DemoClientKeyPEM, "PKCS#1"), "RS256", ""},
		{"P-256 PKCS#8", spacetest.DemoClientECKeyPEM, "ES256", ""},
		{"P-256 SEC1", demoKeyIn(t, spacetest.DemoClientECKeyPEM, "SEC1"), "ES256", ""},
		{"P-384", pemOf(t, "PRIVATE KEY", p384der), "ES384", ""},
		{"P-224", pemOf(t, "EC PRIVATE KEY", p224der), "", "curve P-224"},
		{"RSA 1024", pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)), "", "1024 bits"},
		{"Ed25519", pemOf(t, "PRIVATE KEY", edder), "", "Ed25519"},
		{"encrypted", encrypted, "", "passphrase"},
		{"encrypted PKCS#8", pemOf(t, "ENCRYPTED PRIVATE KEY", []byte{1}), "", "passphrase"},
		{"a public key", pemOf(t, "PUBLIC KEY", pub), "", "public key"},
		{"a certificate", spacetest.DemoClientCertPEM, "", "certificate"},
		{"an SSH key", pemOf(t, "OPENSSH PRIVATE KEY", []byte{1}), "", "OPENSSH PRIVATE KEY"},
		{"not PEM", "hello", "", "no PEM private key"},
		{"broken DER", pemOf(t, "PRIVATE KEY", []byte{1, 2, 3}), "", "does not parse"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := flows.ParseClientKey([]byte(c.pem))
			switch {
			case c.err == "" && err != nil:
				t.Fatal(err)
			case c.err == "" && k.Alg() != c.alg:
				t.Errorf("alg %s, want %s", k.Alg(), c.alg)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("error %v, want one saying %q", err, c.err)
			}
		})
	}
}

// A file far larger than any key is refused without being read whole.
func TestLoadClientKeyRefusesAHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(path, []byte(strings.Repeat("A", 1<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := flows.LoadClientKey(path); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err %v", err)
	}
	if _, err := flows.LoadClientKey(""); err == nil || !strings.Contains(err.Error(), "keygen") {
		t.Errorf("err %v", err)
	}
}

// A generated key round-trips through its PEM, and its public JWK carries
// no private part.
func TestGeneratedKeyAndItsPublicJWK(t *testing.T) {
	for _, ec := range []bool{false, true} {
		k, err := flows.GenerateClientKey(ec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := k.PEM()
		again, err := flows.ParseClientKey(b)
		if err != nil || again.Thumbprint() != k.Thumbprint() || again.Alg() != k.Alg() {
			t.Fatalf("round trip: %v", err)
		}
		jwk, err := k.PublicJWK()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(jwk, &m); err != nil {
			t.Fatal(err)
		}
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := m[private]; ok {
				t.Errorf("the public JWK has the private member %s", private)
			}
		}
		if m["kid"] != k.Thumbprint() || m["alg"] != k.Alg() || m["use"] != "sig" {
			t.Errorf("jwk %v", m)
		}
		if s := k.String(); strings.Contains(s, "PRIVATE") || !strings.Contains(s, k.Alg()) {
			t.Errorf("String %q", s)
		}
	}
}

// FuzzParseClientKey: whatever a key file holds, parsing returns a key or
// an error, never a panic, and an error never repeats the file's bytes.
func FuzzParseClientKey(f *testing.F) {
	f.Add([]byte(spacetest.DemoClientKeyPEM))
	f.Add([]byte(spacetest.DemoClientECKeyPEM))
	f.Add([]byte(spacetest.DemoClientCertPEM))
	f.Add([]byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := flows.ParseClientKey(b)
		if err == nil {
			if k.Alg() == "" {
				t.Fatal("a key without an algorithm")
			}
			if _, err := flows.SignAssertion(k, map[string]any{"iss": "x"}); err != nil {
				t.Fatalf("a parsed key does not sign: %v", err)
			}
			return
		}
		if len(b) > 40 && strings.Contains(err.Error(), string(b[:40])) {
			t.Fatalf("the error repeats the file: %v", err)
		}
	})
}
