package cli_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// tlsDemoServer runs `authplay demo-server --tls` and returns its URL,
// its whole banner, and the banner's mutual-TLS command.
func tlsDemoServer(t *testing.T, dir string) (u, banner, command string) {
	t.Helper()
	u, printed := demoServer(t, "--tls", "--dir", dir)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(printed(), "Press ctrl+c to stop") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	banner = printed()
	for _, line := range strings.Split(banner, "\n") {
		if strings.Contains(line, "# mutual TLS (RFC 8705)") {
			command, _, _ = strings.Cut(strings.TrimSpace(line), "   #")
		}
	}
	if command == "" {
		t.Fatalf("the banner has no mutual-TLS command:\n%s", banner)
	}
	return u, banner, command
}

func certThumbprint(t *testing.T, certPEM string) string {
	t.Helper()
	blk, _ := pem.Decode([]byte(certPEM))
	sum := sha256.Sum256(blk.Bytes)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// The banner of demo-server --tls names the CA file and a command that,
// run as printed, gets demo-mtls-app a token bound to its certificate
// over real HTTPS; the certificate files it wrote are 0600.
func TestDemoServerTLSCommandWorks(t *testing.T) {
	dir := t.TempDir()
	_, banner, command := tlsDemoServer(t, dir)
	caFile := filepath.Join(dir, "tls", "tls-ca.pem")
	if !strings.Contains(banner, "trust its CA: "+caFile) || !strings.Contains(banner, "mTLS port https://127.0.0.1:") {
		t.Fatalf("the banner does not name the CA file %s:\n%s", caFile, banner)
	}
	for _, name := range []string{"demo-mtls-app-cert.pem", "demo-mtls-app-key.pem"} {
		if fi, err := os.Stat(filepath.Join(dir, "tls", name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", name, fi, err)
		}
	}
	r := runProgram(t, "bash", nil, nil, nil, "-c", strings.Replace(command, "authplay", binary, 1)+" --verbose")
	if r.code != 0 {
		t.Fatalf("%s\nexit %d\n%s", command, r.code, r.stderr)
	}
	var tok map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	at, _ := tok["access_token"].(string)
	j, err := jwtcheck.Decode(at)
	if err != nil {
		t.Fatal(err)
	}
	cnf, _ := j.Claims["cnf"].(map[string]any)
	if cnf["x5t#S256"] != certThumbprint(t, spacetest.DemoClientCertPEM) {
		t.Fatalf("cnf %v", cnf)
	}
	if !strings.Contains(r.stderr, "check ok   cnf.x5t#S256 bound to this session's TLS client certificate") || !strings.Contains(r.stderr, "RFC 8705 §2.1") {
		t.Fatalf("the verbose run does not tell the certificate and its binding:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "PRIVATE KEY") || strings.Contains(r.stdout, "PRIVATE KEY") {
		t.Fatal("the client key was printed")
	}
}

// impostorFiles are a self-signed certificate with demo-mtls-app's
// registered subject, which the server must not take for it.
func impostorFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: spacetest.DemoMTLSClientID, Organization: []string{"authplay demo"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if tmpl.Subject.String() != spacetest.DemoMTLSSubjectDN {
		t.Fatalf("subject %q", tmpl.Subject.String())
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "impostor.pem"), filepath.Join(dir, "impostor-key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600) //nolint:errcheck // read back below
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)   //nolint:errcheck
	return certFile, keyFile
}

// Without a certificate, with a certificate the server does not know, and
// with a certificate but on the plain endpoint, the request is refused by
// the server (or, without the files, by authplay before sending), and
// authplay says why and what to do.
func TestMutualTLSRefusedAndExplained(t *testing.T) {
	dir := t.TempDir()
	u, banner, _ := tlsDemoServer(t, dir)
	_, mtlsURL, _ := strings.Cut(banner, "mTLS port ")
	mtlsURL, _, _ = strings.Cut(mtlsURL, " ")
	caFile := filepath.Join(dir, "tls", "tls-ca.pem")
	goodCert, goodKey := filepath.Join(dir, "tls", "demo-mtls-app-cert.pem"), filepath.Join(dir, "tls", "demo-mtls-app-key.pem")
	badCert, badKey := impostorFiles(t)
	base := []string{"token", "--flow", "client_credentials", "--client-id", spacetest.DemoMTLSClientID, "--ca-file", caFile}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"no certificate", []string{"--issuer", u, "--auth-style", "tls_client_auth"}, []string{"tls-cert-file", "required for tls_client_auth"}},
		{"no certificate at the mTLS endpoint", []string{"--token-url", mtlsURL + "/oauth/token"}, []string{"invalid_client", "no TLS client certificate was presented", "fix: Give the certificate and its key: --tls-cert-file and --tls-key-file"}},
		{"no certificate at the plain endpoint", []string{"--issuer", u}, []string{"invalid_client", "send this request to the mTLS endpoint", "fix: Give the client certificate (--tls-cert-file and --tls-key-file"}},
		{"a certificate it does not know", []string{"--issuer", u, "--auth-style", "tls_client_auth", "--tls-cert-file", badCert, "--tls-key-file", badKey},
			[]string{"invalid_client", "is neither registered for demo-mtls-app", "fix: Present the certificate registered for client", "CN=demo-mtls-app,O=authplay demo"}},
		{"the plain endpoint", []string{"--token-url", u + "/oauth/token", "--auth-style", "self_signed_tls_client_auth", "--tls-cert-file", goodCert, "--tls-key-file", goodKey},
			[]string{"invalid_client", "send this request to the mTLS endpoint", "mtls_endpoint_aliases"}},
		{"a key that is not the certificate's", []string{"--issuer", u, "--auth-style", "tls_client_auth", "--tls-cert-file", goodCert, "--tls-key-file", badKey},
			[]string{"do not make a pair"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := authplay(t, nil, nil, nil, append(base, c.args...)...)
			if r.code == 0 {
				t.Fatalf("exit 0:\n%s", r.stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "PRIVATE KEY") || r.stdout != "" {
				t.Fatalf("printed: %q\n%s", r.stdout, r.stderr)
			}
		})
	}
}

// authplay token --help lists the certificate styles and flags.
func TestTokenHelpShowsMutualTLS(t *testing.T) {
	r := authplay(t, nil, nil, nil, "token", "--help")
	for _, w := range []string{"tls_client_auth", "self_signed_tls_client_auth", "-tls-cert-file", "-tls-key-file", "-ca-file"} {
		if !strings.Contains(r.stdout+r.stderr, w) {
			t.Errorf("token --help lacks %q", w)
		}
	}
}

// The README's mutual-TLS command, as written, against demo-server --tls
// with the README's --dir (moved into the test's directory): it gets a
// token bound to demo-mtls-app's certificate.
func TestReadmeMutualTLSCommandWorks(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := readmeBlock(t, string(b), "--auth-style tls_client_auth")
	var server, command string
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", ""), "\n") {
		switch line = strings.TrimSpace(line); {
		case strings.HasPrefix(line, "go run . demo-server"):
			server = line
		case strings.HasPrefix(line, "authplay token"):
			command = line
		}
	}
	if !strings.Contains(server, "--tls --dir /tmp/authplay-demo") || command == "" {
		t.Fatalf("the README's block is not a --tls server and a token command:\n%s", block)
	}
	dir := t.TempDir()
	u, _, _ := tlsDemoServer(t, dir)
	command = strings.ReplaceAll(strings.ReplaceAll(strings.Replace(command, "authplay", binary, 1), "/tmp/authplay-demo", dir), "http://127.0.0.1:9090", u)
	r := runProgram(t, "bash", nil, nil, nil, "-c", command)
	if r.code != 0 || !strings.Contains(r.stderr, "check ok   cnf.x5t#S256") || !strings.Contains(r.stdout, `"access_token"`) {
		t.Fatalf("%s\nexit %d\n%s\n%s", command, r.code, r.stdout, r.stderr)
	}
}

// The curl line of a certificate-bound token carries the certificate, its
// key and the CA, and goes to the mTLS origin: run by real curl, the API
// answers it (without them, RFC 8705 §3 has it refused).
func TestMutualTLSCurlLineWorks(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("AUTHPLAY_E2E=1 and curl is missing")
		}
		t.Skip("curl is not installed")
	}
	dir := t.TempDir()
	u, _, command := tlsDemoServer(t, dir)
	r := runProgram(t, "bash", nil, nil, nil, "-c", strings.Replace(command, "authplay", binary, 1)+" --api-base "+u+"/api/http/applications/me --output curl")
	if r.code != 0 || !strings.Contains(r.stdout, "--cert ") || !strings.Contains(r.stdout, "--cacert ") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	answer := runProgram(t, "bash", nil, nil, nil, "-c", strings.TrimSpace(r.stdout)+" -w '\\n%{http_code}'")
	if answer.code != 0 || !strings.HasSuffix(strings.TrimSpace(answer.stdout), "200") {
		t.Fatalf("the line %s\nanswered %d: %s %s", r.stdout, answer.code, answer.stdout, answer.stderr)
	}
	// The same line without the certificate is refused: the binding is
	// what made it work, not the origin.
	bare := regexp.MustCompile(`--cert '[^']*' --key '[^']*' `).ReplaceAllString(strings.TrimSpace(r.stdout), "")
	if refused := runProgram(t, "bash", nil, nil, nil, "-c", bare+" -w '\n%{http_code}'"); strings.HasSuffix(strings.TrimSpace(refused.stdout), "200") {
		t.Fatalf("without the certificate the API still answered: %s", refused.stdout)
	}
}
