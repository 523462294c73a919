package wire

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sync"
)

// trusting caches a client per extra CA file, so a step does not read the
// file again for every request.
var trusting sync.Map // path -> *http.Client

// Trusting returns c changed to trust, besides the system's authorities, the
// CA certificates in the PEM file at path: an internal Keycloak or a test
// server with its own CA. An empty path returns c as it is.
func Trusting(c *http.Client, path string) (*http.Client, error) {
	if path == "" {
		return c, nil
	}
	if cached, ok := trusting.Load(path); ok {
		return cached.(*http.Client), nil
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the CA file %s cannot be read: %w", path, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("the CA file %s holds no PEM certificate", path)
	}
	if c == nil {
		c = NewClient(0)
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("cannot add a CA to this HTTP client")
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tr.TLSClientConfig.RootCAs = pool
	cc := *c
	cc.Transport = tr
	actual, _ := trusting.LoadOrStore(path, &cc)
	return actual.(*http.Client), nil
}
