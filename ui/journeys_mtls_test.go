package ui_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// Mutual TLS in the real TUI at 80×24 against the built-in server with
// its mTLS port: a profile names demo-mtls-app with tls_client_auth and
// its certificate; the run gets a token bound to it, which the inspector
// confirms. Then the person types in a certificate the server does not
// know, and the refusal comes back explained.
func TestMutualTLSJourneyInTmux(t *testing.T) {
	if binary == "" {
		t.Skip("tmux is not installed")
	}
	srv := spacetest.Start(t, spacetest.WithTLS(""), spacetest.WithHeadlessApproval(true))
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	certFile, keyFile := write("c.pem", spacetest.DemoClientCertPEM), write("k.pem", spacetest.DemoClientCertKeyPEM)
	otherCert, otherKey := strangerPEM(t)
	otherCertFile, otherKeyFile := write("x.pem", otherCert), write("xk.pem", otherKey)
	config := filepath.Join(dir, "config")
	// As the new-profile form saves it: the discovered endpoints, the
	// mTLS aliases among them.
	prov, _, err := flows.Discover(context.Background(), http.DefaultClient, srv.URL)
	if err != nil || len(prov.MTLSAliases) == 0 {
		t.Fatalf("discovery: %v %+v", err, prov)
	}
	prov.Advertised, prov.CAFile = nil, srv.CACertFile()
	profiles, _ := json.Marshal(map[string]any{"profiles": []map[string]any{{
		"name": "mtls", "provider": prov,
		"client_id": spacetest.DemoMTLSClientID, "auth_style": "tls_client_auth", "tls_cert_file": certFile, "tls_key_file": keyFile,
	}}})
	if err := os.MkdirAll(filepath.Join(config, "authplay"), 0o700); err != nil {
		t.Fatal(err)
	}
	write("config/authplay/profiles.json", string(profiles))

	s := startTmuxEnv(t, 80, 24, []string{"XDG_CONFIG_HOME=" + config}, "--profile", "mtls", "--flow", "client_credentials")
	s.waitFor(20*time.Second, "Client Credentials", "‹ tls_client_auth ›", "TLS cert file", "POST "+srv.MTLSURL()+"/oauth/token")
	s.keys("Enter")
	scr := s.waitFor(20*time.Second, "Access token", "cnf.x5t#S256", "bound to this session's TLS")
	if strings.Contains(scr, "PRIVATE KEY") {
		t.Fatalf("a key shows:\n%s", scr)
	}

	// A new run, with a certificate the server does not know.
	s.keys("n")
	s.waitFor(10*time.Second, "will send", "‹ tls_client_auth ›")
	s.waitFor(10*time.Second, "› Token URL")
	s.keys("Tab", "Tab", "Tab", "Tab") // past the client, the secret and the scope, onto Client auth
	for _, r := range []struct{ label, path string }{{"TLS cert file", otherCertFile}, {"TLS key file", otherKeyFile}} {
		s.keys("Tab")
		s.waitFor(10*time.Second, "› "+r.label)
		s.keys("C-u")
		s.tmux("send-keys", "-t", s.name, "-l", r.path)
		s.waitFor(30*time.Second, filepath.Base(r.path))
	}
	s.keys("Enter")
	scr = s.waitFor(20*time.Second, "invalid_client", "does not accept this certificate")
	if !strings.Contains(scr, "RFC 8705") {
		t.Fatalf("the refusal does not name its reference:\n%s", scr)
	}
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}

// strangerPEM is a self-signed certificate with demo-mtls-app's subject.
func strangerPEM(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(5), Subject: pkix.Name{CommonName: spacetest.DemoMTLSClientID, Organization: []string{"authplay demo"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
}
