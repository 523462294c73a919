package flows_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
)

// fakeNet is a pretend internet for the preset tests: the providers' real
// host names (github.com, accounts.google.com, …) answer from local
// emulators over real TLS, with certificates from a CA made for the test.
// So the preset table's own URLs are what the tests send to, unchanged,
// and nothing leaves the machine: a name no emulator serves fails to dial.
type fakeNet struct {
	t      *testing.T
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	roots  *x509.CertPool
	mu     sync.Mutex
	byHost map[string]string // host name -> 127.0.0.1:port
}

func newFakeNet(t *testing.T) *fakeNet {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "authplay preset test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &fakeNet{t: t, ca: ca, caKey: key, roots: roots, byHost: map[string]string{}}
}

// serve starts h over TLS as the given host names.
func (n *fakeNet) serve(h http.Handler, hosts ...string) *httptest.Server {
	n.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		n.t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: hosts[0]}, DNSNames: hosts,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, n.ca, &key.PublicKey, n.caKey)
	if err != nil {
		n.t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	n.t.Cleanup(srv.Close)
	n.mu.Lock()
	for _, host := range hosts {
		n.byHost[host] = srv.Listener.Addr().String()
	}
	n.mu.Unlock()
	return srv
}

// dial sends a named host to its emulator; loopback goes where it says
// (redirect listeners, plain-http test servers); anything else fails.
func (n *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	to, ok := n.byHost[host]
	n.mu.Unlock()
	switch {
	case ok:
		addr = to
	case host == "localhost" || host == "127.0.0.1" || host == "::1":
	default:
		return nil, fmt.Errorf("the test network has no host %s", host)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// client is authplay's own HTTP client, its transport pointed at the
// pretend internet.
func (n *fakeNet) client() *http.Client {
	c := wire.NewClient(10 * time.Second)
	tr := c.Transport.(*http.Transport)
	tr.Proxy = nil
	tr.DialContext = n.dial
	tr.TLSClientConfig = &tls.Config{RootCAs: n.roots}
	return c
}

func (n *fakeNet) env() flows.Env {
	lb := loopback.New()
	n.t.Cleanup(lb.CloseAll)
	return flows.Env{HTTP: n.client(), Loopback: lb, Sleep: func(context.Context, time.Duration) error { return nil }}
}

// browse plays the browser at an authorization URL: the emulator approves
// at once and redirects, and the redirect is followed to authplay's
// loopback listener. It returns the emulator's answer when that is not a
// redirect (a refusal page).
func (n *fakeNet) browse(authURL string) (status int, body string) {
	n.t.Helper()
	c := n.client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(authURL)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		var b strings.Builder
		buf := make([]byte, 512)
		k, _ := resp.Body.Read(buf)
		b.Write(buf[:k])
		return resp.StatusCode, b.String()
	}
	r, err := n.client().Get(resp.Header.Get("Location"))
	if err != nil {
		n.t.Fatal(err)
	}
	r.Body.Close()
	return http.StatusFound, ""
}
