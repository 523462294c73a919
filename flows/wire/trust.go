package wire

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
)

// trusting caches a client per base client and CA file content, so a
// step neither parses the system's authorities again for every request nor
// opens new connections, while an edited file, or another base client (a
// different timeout or redirect rule), gets a client of its own.
var trusting sync.Map // trustingKey -> *http.Client

type trustingKey struct {
	base *http.Client
	path string
	sum  [32]byte
}

// Trusting returns c changed to trust, besides the system's authorities, the
// CA certificates in the PEM file at path: an internal Keycloak or a test
// server with its own CA. An empty path returns c as it is.
func Trusting(c *http.Client, path string) (*http.Client, error) {
	if path == "" {
		return c, nil
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the CA file %s cannot be read: %w", path, err)
	}
	if c == nil {
		c = NewClient(0)
	}
	k := trustingKey{base: c, path: path, sum: sha256.Sum256(pemBytes)}
	if cached, ok := trusting.Load(k); ok {
		return cached.(*http.Client), nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("the CA file %s holds no PEM certificate", path)
	}
	cc, err := withTLSConfig(c, func(cfg *tls.Config) { cfg.RootCAs = pool })
	if err != nil {
		return nil, fmt.Errorf("cannot add a CA to this HTTP client: %w", err)
	}
	actual, _ := trusting.LoadOrStore(k, cc)
	return actual.(*http.Client), nil
}

// withTLSConfig is c with a copy of its transport whose TLS settings set
// changes; c itself is left as it was, since others share it.
func withTLSConfig(c *http.Client, set func(*tls.Config)) (*http.Client, error) {
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		return nil, errors.New("its transport is not an *http.Transport")
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	set(tr.TLSClientConfig)
	cc := *c
	cc.Transport = tr
	return &cc, nil
}
