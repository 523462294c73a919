package wire

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
)

// ClientCertificate is a TLS client certificate as the server sees it:
// its subject and its SHA-256 thumbprint (RFC 8705 §3.1's x5t#S256).
type ClientCertificate struct {
	Subject    string
	Thumbprint string
}

type presentingKey struct {
	base       *http.Client
	cert, key  string
	certSum    [32]byte
	keyFileSum [32]byte
}

// presenting caches a client per base client and key pair, so a session's
// requests reuse their TLS connections; a changed file makes a new one.
var presenting sync.Map // presentingKey -> *http.Client

// Presenting returns c changed to present the TLS client certificate in
// certFile with the private key in keyFile (both PEM) on every connection
// (RFC 8705 mutual TLS). c keeps its timeouts, its trusted CAs and its
// redirect policy. Empty paths return c as it is.
func Presenting(c *http.Client, certFile, keyFile string) (*http.Client, ClientCertificate, error) {
	switch {
	case certFile == "" && keyFile == "":
		return c, ClientCertificate{}, nil
	case certFile == "":
		return nil, ClientCertificate{}, errors.New("a TLS client key file was given without its certificate file (tls-cert-file)")
	case keyFile == "":
		return nil, ClientCertificate{}, errors.New("a TLS client certificate file was given without its private key file (tls-key-file)")
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, ClientCertificate{}, fmt.Errorf("the TLS client certificate file cannot be read: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, ClientCertificate{}, fmt.Errorf("the TLS client key file cannot be read: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// The error names what is wrong (no PEM block, a key that is not
		// the certificate's) and never the key itself.
		return nil, ClientCertificate{}, fmt.Errorf("the TLS client certificate %s and key %s do not make a pair: %w", certFile, keyFile, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, ClientCertificate{}, fmt.Errorf("the TLS client certificate %s: %w", certFile, err)
	}
	sum := sha256.Sum256(leaf.Raw)
	info := ClientCertificate{Subject: leaf.Subject.String(), Thumbprint: base64.RawURLEncoding.EncodeToString(sum[:])}
	if c == nil {
		c = NewClient(0)
	}
	k := presentingKey{base: c, cert: certFile, key: keyFile, certSum: sha256.Sum256(certPEM), keyFileSum: sha256.Sum256(keyPEM)}
	if cached, ok := presenting.Load(k); ok {
		return cached.(*http.Client), info, nil
	}
	cc, err := withTLSConfig(c, func(cfg *tls.Config) { cfg.Certificates = []tls.Certificate{pair} })
	if err != nil {
		return nil, ClientCertificate{}, fmt.Errorf("cannot add a TLS client certificate to this HTTP client: %w", err)
	}
	actual, _ := presenting.LoadOrStore(k, cc)
	return actual.(*http.Client), info, nil
}
