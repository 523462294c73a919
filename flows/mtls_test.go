package flows_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// writePair writes a certificate and its key as a person keeps them.
func writePair(t *testing.T, certPEM, keyPEM string) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	for path, text := range map[string]string{certFile: certPEM, keyFile: keyPEM} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

// impostorPair is a self-signed certificate with demo-mtls-app's
// registered subject: the subject alone must not be enough.
func impostorPair(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: spacetest.DemoMTLSClientID, Organization: []string{"authplay demo"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Subject.String(); got != spacetest.DemoMTLSSubjectDN {
		t.Fatalf("the impostor's subject %q is not the registered %q", got, spacetest.DemoMTLSSubjectDN)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return writePair(t, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})))
}

// mtlsParams are demo-mtls-app's settings, found by discovery.
func mtlsParams(t *testing.T, s *spacetest.Server, style flows.AuthStyle, certFile, keyFile string) flows.Params {
	t.Helper()
	prov, _, err := flows.Discover(context.Background(), newEnv(t).HTTP, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	prov.CAFile, prov.APIBase, prov.Builtin = s.CACertFile(), s.URL+"/api/http", true
	return flows.Params{Provider: prov, ClientID: spacetest.DemoMTLSClientID, AuthStyle: style, Scope: "**", TLSCertFile: certFile, TLSKeyFile: keyFile}
}

func verdict(t *testing.T, st flows.State, check string) flows.Verdict {
	t.Helper()
	for _, v := range flows.Judge(st, flows.OfflineChecks(time.Now(), st)) {
		if v.Check == check {
			return v
		}
	}
	t.Fatalf("no %s verdict", check)
	return flows.Verdict{}
}

// Each certificate style gets demo-mtls-app a token over the mTLS alias,
// bound to its certificate, which the inspector confirms and an API call
// (sent to the alias, with the certificate) accepts.
func TestMutualTLSClientAuth(t *testing.T) {
	s := newSpace(t, spacetest.WithTLS(""))
	for _, c := range []struct {
		style        flows.AuthStyle
		certPEM, key string
	}{
		{flows.AuthTLSClient, spacetest.DemoClientCertPEM, spacetest.DemoClientCertKeyPEM},
		{flows.AuthSelfSignedTLS, spacetest.DemoSelfSignedCertPEM, spacetest.DemoSelfSignedCertKeyPEM},
	} {
		t.Run(string(c.style), func(t *testing.T) {
			certFile, keyFile := writePair(t, c.certPEM, c.key)
			p := mtlsParams(t, s, c.style, certFile, keyFile)
			m, err := flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{})
			if err != nil {
				t.Fatal(err)
			}
			pending, _, _ := m.Pending(flows.Input{})
			if pending.URL != s.MTLSURL()+"/oauth/token" || pending.Form.Get("client_id") != spacetest.DemoMTLSClientID || pending.Form.Has("client_secret") || pending.Header.Get("Authorization") != "" {
				t.Fatalf("pending request: %s %v %v", pending.URL, pending.Form, pending.Header)
			}
			step := run(t, m, newEnv(t), flows.Input{})
			if shown, sent := pending.Shown(), step.Exchanges[0].Request; shown.URL != sent.URL || shown.Body != sent.Body || len(sent.Header["Authorization"]) != 0 {
				t.Fatalf("shown %+v\nsent %+v", shown, sent)
			}
			if !strings.Contains(step.WhatHappened, "certificate") || !strings.Contains(step.WhatHappened, "RFC 8705") {
				t.Errorf("what happened: %s", step.WhatHappened)
			}
			st := m.State()
			if v := verdict(t, st, "cnf.x5t#S256"); v.Outcome != flows.Pass || !strings.Contains(v.Detail, "RFC 8705 §3") {
				t.Fatalf("verdict %+v", v)
			}
			api := run(t, m, newEnv(t), flows.Input{Action: flows.ActionCallAPI})
			if !api.OK || !strings.HasPrefix(api.Exchanges[0].Request.URL, s.MTLSURL()+"/api/http/") {
				t.Fatalf("API call: %+v", api)
			}
			in := run(t, m, newEnv(t), flows.Input{Action: flows.ActionIntrospect})
			if !in.OK || !strings.HasPrefix(in.Exchanges[0].Request.URL, s.MTLSURL()) {
				t.Fatalf("introspection: %+v", in)
			}

			// The same token in a session that holds another certificate.
			other := st
			other.TLSThumbprint = "another-thumbprint"
			if v := verdict(t, other, "cnf.x5t#S256"); v.Outcome != flows.Fail || !strings.Contains(v.Detail, "another TLS client certificate") {
				t.Fatalf("verdict with another certificate %+v", v)
			}
			other.TLSThumbprint = ""
			if v := verdict(t, other, "cnf.x5t#S256"); v.Outcome != flows.Fail || !strings.Contains(v.Detail, "did not present") {
				t.Fatalf("verdict without a certificate %+v", v)
			}
		})
	}
}

// A secret-authenticated client that presents a certificate gets a bound
// token; one that presents none has no x5t verdict at all.
func TestMutualTLSBindsSecretClients(t *testing.T) {
	s := newSpace(t, spacetest.WithTLS(""))
	certFile, keyFile := writePair(t, spacetest.DemoClientCertPEM, spacetest.DemoClientCertKeyPEM)
	p := mtlsParams(t, s, flows.AuthBasic, certFile, keyFile)
	p.ClientID = spacetest.DemoClientID
	m, _ := flows.New(flows.Start(flows.ClientCredentials, p), demoCreds())
	run(t, m, newEnv(t), flows.Input{})
	if v := verdict(t, m.State(), "cnf.x5t#S256"); v.Outcome != flows.Pass {
		t.Fatalf("%+v", v)
	}
	p.TLSCertFile, p.TLSKeyFile = "", ""
	plain, _ := flows.New(flows.Start(flows.ClientCredentials, p), demoCreds())
	step := run(t, plain, newEnv(t), flows.Input{})
	if step.Exchanges[0].Request.URL != s.URL+"/oauth/token" {
		t.Fatalf("without a certificate the plain endpoint is used: %s", step.Exchanges[0].Request.URL)
	}
	for _, v := range flows.Judge(plain.State(), flows.OfflineChecks(time.Now(), plain.State())) {
		if v.Check == "cnf.x5t#S256" {
			t.Fatalf("an x5t verdict for a session without certificates: %+v", v)
		}
	}
	// A session that presented a certificate and got an unbound token.
	unbound := plain.State()
	unbound.TLSThumbprint = "x_3X_8u17P2WCDxYusLxYeEfp8wch5Fw_qiltbAd5w4"
	if v := verdict(t, unbound, "cnf.x5t#S256"); v.Outcome != flows.Warn || !strings.Contains(v.Detail, "did not bind it") {
		t.Fatalf("an unbound token after a certificate: %+v", v)
	}
}

// The server refuses a certificate it does not know and a request on the
// plain endpoint; authplay explains each.
func TestMutualTLSRefusals(t *testing.T) {
	s := newSpace(t, spacetest.WithTLS(""))
	certFile, keyFile := impostorPair(t)
	m, _ := flows.New(flows.Start(flows.ClientCredentials, mtlsParams(t, s, flows.AuthTLSClient, certFile, keyFile)), flows.Credentials{})
	step, oe := failsWith(t, m, "invalid_client")
	if !strings.Contains(oe.Description, "is neither registered") || !strings.Contains(step.Diagnosis.Cause, "does not accept this certificate") || !strings.Contains(step.Diagnosis.Refs, "RFC 8705") {
		t.Fatalf("%v\n%+v", oe, step.Diagnosis)
	}

	// Endpoints typed in: no aliases, so the request goes to the plain port.
	good, goodKey := writePair(t, spacetest.DemoClientCertPEM, spacetest.DemoClientCertKeyPEM)
	p := mtlsParams(t, s, flows.AuthTLSClient, good, goodKey)
	p.Provider.MTLSAliases = nil
	plain, _ := flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{})
	step, oe = failsWith(t, plain, "invalid_client")
	if !strings.Contains(oe.Description, "send this request to the mTLS endpoint") || !strings.Contains(step.Diagnosis.Fix, "mTLS alias") {
		t.Fatalf("%v\n%+v", oe, step.Diagnosis)
	}

	// A key that is not the certificate's is refused before anything is sent.
	_, otherKey := impostorPair(t)
	p = mtlsParams(t, s, flows.AuthTLSClient, good, otherKey)
	mismatched, _ := flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{})
	_, err := mismatched.Next(context.Background(), newEnv(t), flows.Input{})
	if err == nil || !strings.Contains(err.Error(), "do not make a pair") || strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Fatalf("mismatched key: %v", err)
	}
	var oauth *flows.OAuthError
	if errors.As(err, &oauth) {
		t.Fatalf("a local mistake reported as the server's: %v", err)
	}
}

// The form asks for the certificate files only when they apply, and a
// certificate style without them is refused.
func TestClientCertFieldsShown(t *testing.T) {
	d := flows.Draft{Method: flows.ClientCredentials}
	shown := func() bool {
		f, _ := flows.Field(flows.FieldTLSCertFile)
		return f.Shown(&d)
	}
	if shown() {
		t.Fatal("shown with auto client auth")
	}
	if err := d.Set(flows.FieldAuthStyle, "tls_client_auth"); err != nil || !shown() {
		t.Fatalf("tls_client_auth: %v %v", err, shown())
	}
	var missing []flows.FieldID
	for _, e := range d.Check() {
		if e.Field == flows.FieldTLSCertFile || e.Field == flows.FieldTLSKeyFile {
			missing = append(missing, e.Field)
		}
	}
	if len(missing) != 2 {
		t.Fatalf("check: %v", d.Check())
	}
	d.Set(flows.FieldAuthStyle, "basic")
	d.Set(flows.FieldTLSCertFile, "c.pem")
	if !shown() {
		t.Fatal("a given certificate file is hidden")
	}
}
