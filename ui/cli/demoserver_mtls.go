package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/authplay/authplay/flows/spacetest"
)

// With --tls, demo-server serves the mTLS port (RFC 8705) and writes, next
// to the CA certificate a client must trust, demo-mtls-app's certificate
// and key: published demo material, issued by the demo client CA with the
// subject the server registered, so the banner's command works as it is.

const (
	demoCertFileName = "demo-mtls-app-cert.pem"
	demoKeyFileName  = "demo-mtls-app-key.pem"
)

// mtlsOption is the server option for --tls: its CA kept under the state
// directory when there is one, else in a temporary directory.
func mtlsOption(on bool, dir string) []spacetest.Option {
	switch {
	case !on:
		return nil
	case dir != "":
		return []spacetest.Option{spacetest.WithTLS(filepath.Join(dir, "tls"))}
	}
	return []spacetest.Option{spacetest.WithTLS("")}
}

// writeDemoClientCert writes demo-mtls-app's certificate and key beside
// the CA file (a 0700 directory), each 0600, and returns their paths.
func writeDemoClientCert(srv *spacetest.Server) (certFile, keyFile string, err error) {
	dir := filepath.Dir(srv.CACertFile())
	certFile, keyFile = filepath.Join(dir, demoCertFileName), filepath.Join(dir, demoKeyFileName)
	for path, text := range map[string]string{certFile: spacetest.DemoClientCertPEM, keyFile: spacetest.DemoClientCertKeyPEM} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			return "", "", err
		}
		if err := os.Chmod(path, 0o600); err != nil { // a file that was there keeps no looser mode
			return "", "", err
		}
	}
	return certFile, keyFile, nil
}

// mtlsTry is the banner's mutual-TLS line: demo-mtls-app's client
// credentials with its certificate, found through discovery, which names
// the mTLS endpoint aliases.
func mtlsTry(srv *spacetest.Server, certFile, keyFile string) string {
	return fmt.Sprintf("authplay token --flow client_credentials --issuer %s --client-id %s --auth-style tls_client_auth --tls-cert-file %s --tls-key-file %s --ca-file %s   # mutual TLS (RFC 8705)",
		shellQuote(srv.URL), spacetest.DemoMTLSClientID, shellQuote(certFile), shellQuote(keyFile), shellQuote(srv.CACertFile()))
}
