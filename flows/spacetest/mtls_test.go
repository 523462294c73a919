package spacetest_test

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// mtlsClient trusts the server's CA file and presents certPEM (none when "").
func mtlsClient(t *testing.T, caFile, certPEM, keyPEM string) *http.Client {
	t.Helper()
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if certPEM != "" {
		cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func pemThumbprint(t *testing.T, certPEM string) string {
	t.Helper()
	blk, _ := pem.Decode([]byte(certPEM))
	sum := sha256.Sum256(blk.Bytes)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// strangerCert is a self-signed client certificate nobody registered.
func strangerCert(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key := newECKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: spacetest.DemoMTLSClientID, Organization: []string{"authplay demo"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
}

var mtlsClientCredentials = url.Values{"grant_type": {"client_credentials"}, "scope": {"**"}, "client_id": {spacetest.DemoMTLSClientID}}

// demo-mtls-app authenticates with its certificate on the mTLS port, and
// its tokens work only with that certificate.
func TestMutualTLS(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	s := spacetest.Start(t, spacetest.WithTLS(dir))
	if !strings.HasPrefix(s.MTLSURL(), "https://127.0.0.1:") || s.CACertFile() != filepath.Join(dir, "tls-ca.pem") {
		t.Fatalf("MTLSURL %q, CACertFile %q", s.MTLSURL(), s.CACertFile())
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, s.CACertFile(): 0o600, filepath.Join(dir, "tls-ca-key.pem"): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v %v, want %v", path, fi.Mode(), err, want)
		}
	}
	d := discovery(t, s)
	aliases, _ := d["mtls_endpoint_aliases"].(map[string]any)
	methods, _ := d["token_endpoint_auth_methods_supported"].([]any)
	if aliases["token_endpoint"] != s.MTLSURL()+"/oauth/token" || aliases["pushed_authorization_request_endpoint"] != s.MTLSURL()+"/oauth/par" ||
		d["tls_client_certificate_bound_access_tokens"] != true || !slices.Contains(methods, any("tls_client_auth")) || !slices.Contains(methods, any("self_signed_tls_client_auth")) {
		t.Fatalf("discovery: %v", d)
	}
	tokenURL := s.MTLSURL() + "/oauth/token"
	withCert := mtlsClient(t, s.CACertFile(), spacetest.DemoClientCertPEM, spacetest.DemoClientCertKeyPEM)
	selfSigned := mtlsClient(t, s.CACertFile(), spacetest.DemoSelfSignedCertPEM, spacetest.DemoSelfSignedCertKeyPEM)
	noCert := mtlsClient(t, s.CACertFile(), "", "")

	r := post(t, withCert, tokenURL, mtlsClientCredentials, nil)
	if r.status != 200 || r.body["token_type"] != "Bearer" {
		t.Fatalf("tls_client_auth: %d %v", r.status, r.body)
	}
	at := r.body["access_token"].(string)
	cnf, _ := claimsOf(t, at)["cnf"].(map[string]any)
	if cnf["x5t#S256"] != pemThumbprint(t, spacetest.DemoClientCertPEM) {
		t.Fatalf("cnf %v", cnf)
	}
	appURL := s.MTLSURL() + "/api/http/applications/me"
	if a := getAPI(t, withCert, appURL, "Bearer "+at, ""); a.status != 200 || a.body["clientId"] != spacetest.DemoMTLSClientID {
		t.Fatalf("API with the certificate: %d %v", a.status, a.body)
	}
	for _, c := range []struct {
		name   string
		client *http.Client
		url    string
		why    string
	}{
		{"without a certificate", noCert, appURL, "none was presented"},
		{"with another certificate", selfSigned, appURL, "bound to another TLS client certificate"},
		{"on the plain port", nil, s.URL + "/api/http/applications/me", "send it to the mTLS port " + s.MTLSURL()},
	} {
		t.Run("a bound token "+c.name, func(t *testing.T) {
			a := getAPI(t, c.client, c.url, "Bearer "+at, "")
			if a.status != 401 || !strings.Contains(a.desc(), c.why) || !strings.Contains(a.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Fatalf("%d %v %v", a.status, a.header, a.body)
			}
		})
	}

	ss := post(t, selfSigned, tokenURL, mtlsClientCredentials, nil)
	if ss.status != 200 {
		t.Fatalf("self_signed_tls_client_auth: %d %v", ss.status, ss.body)
	}
	if c, _ := claimsOf(t, ss.body["access_token"].(string))["cnf"].(map[string]any); c["x5t#S256"] != pemThumbprint(t, spacetest.DemoSelfSignedCertPEM) {
		t.Fatalf("cnf %v", c)
	}
	in := post(t, withCert, s.MTLSURL()+"/oauth/introspect", url.Values{"token": {at}, "client_id": {spacetest.DemoMTLSClientID}}, nil)
	if ic, _ := in.body["cnf"].(map[string]any); in.status != 200 || ic["x5t#S256"] != cnf["x5t#S256"] {
		t.Fatalf("introspection over mTLS: %d %v", in.status, in.body)
	}
	// Any client that presents a certificate at the mTLS token endpoint gets a bound token.
	basicOverTLS := post(t, withCert, tokenURL, clientCredentials, basic(spacetest.DemoClientID, spacetest.DemoClientSecret))
	if c, _ := claimsOf(t, basicOverTLS.body["access_token"].(string))["cnf"].(map[string]any); basicOverTLS.status != 200 || c["x5t#S256"] == nil {
		t.Fatalf("demo-app over mTLS with a certificate: %d %v", basicOverTLS.status, basicOverTLS.body)
	}

	certPEM, keyPEM := strangerCert(t)
	refusals := []struct {
		name   string
		client *http.Client
		url    string
		status int
		why    string
	}{
		{"a certificate nobody registered", mtlsClient(t, s.CACertFile(), certPEM, keyPEM), tokenURL, 401, "is neither registered for demo-mtls-app"},
		{"no certificate", noCert, tokenURL, 401, "no TLS client certificate was presented"},
		{"the plain port", nil, s.URL + "/oauth/token", 401, "send this request to the mTLS endpoint " + tokenURL},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, post(t, c.client, c.url, mtlsClientCredentials, nil), c.status, "invalid_client", c.why)
		})
	}
	if a := do(t, withCert, mustRequest(t, "GET", s.MTLSURL()+"/oauth/auth?client_id=demo-app")); a.status != 404 || !strings.Contains(a.desc(), s.URL) {
		t.Fatalf("the authorization endpoint over mTLS: %d %v", a.status, a.body)
	}
}

// The CA is kept in its directory, so a client that trusts it keeps
// trusting the restarted server; without a directory it goes on Close.
func TestMutualTLSCertificateAuthorityLifetime(t *testing.T) {
	dir := t.TempDir()
	first := spacetest.Start(t, spacetest.WithTLS(dir))
	caFile := first.CACertFile()
	before, _ := os.ReadFile(caFile)
	first.Close()
	second := spacetest.Start(t, spacetest.WithTLS(dir))
	after, _ := os.ReadFile(second.CACertFile())
	if string(before) != string(after) || len(before) == 0 {
		t.Fatal("the CA changed across a restart")
	}
	if r := post(t, mtlsClient(t, caFile, spacetest.DemoClientCertPEM, spacetest.DemoClientCertKeyPEM), second.MTLSURL()+"/oauth/token", mtlsClientCredentials, nil); r.status != 200 {
		t.Fatalf("%d %v", r.status, r.body)
	}

	temp := spacetest.Start(t, spacetest.WithTLS(""))
	tmpCA := temp.CACertFile()
	if _, err := os.Stat(tmpCA); err != nil {
		t.Fatal(err)
	}
	temp.Close()
	if _, err := os.Stat(tmpCA); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary CA outlived Close: %v", err)
	}
}

func TestMutualTLSOff(t *testing.T) {
	s := spacetest.Start(t)
	if s.MTLSURL() != "" || s.CACertFile() != "" {
		t.Fatal("an mTLS port without WithTLS")
	}
	mustContain(t, post(t, nil, s.URL+"/oauth/token", mtlsClientCredentials, nil), 401, "invalid_client", "mTLS port is off")
	if d := discovery(t, s); d["mtls_endpoint_aliases"] != nil {
		t.Fatalf("discovery advertises aliases: %v", d)
	}
}
