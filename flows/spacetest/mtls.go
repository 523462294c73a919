package spacetest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Mutual TLS (RFC 8705): with WithTLS, the endpoints at which a client
// authenticates or presents a token are also served over HTTPS on a second
// loopback port that asks for a client certificate. A client may
// authenticate with the certificate (tls_client_auth, checked against the
// demo client CA and a registered subject; self_signed_tls_client_auth,
// checked against a registered thumbprint), and any token issued over that
// port to a client that presented a certificate is bound to it
// (cnf.x5t#S256). The authorization endpoint and the pages stay on the
// plain port, so a browser needs no extra trust.

type tlsSide struct {
	url    string
	caFile string
	tmpDir string // removed on Close when WithTLS was given no directory
	srv    *http.Server
}

// MTLSURL is the mTLS port's base URL (https://127.0.0.1:port), or "" when
// the server runs without WithTLS.
func (s *Server) MTLSURL() string {
	if s.ext == nil || s.ext.tls == nil {
		return ""
	}
	return s.ext.tls.url
}

// CACertFile is the PEM file of the CA that issued the mTLS port's
// certificate, which a client must trust; "" without WithTLS.
func (s *Server) CACertFile() string {
	if s.ext == nil || s.ext.tls == nil {
		return ""
	}
	return s.ext.tls.caFile
}

func (s *Server) startTLS() error {
	if !s.ext.cfg.tls {
		return nil
	}
	side := &tlsSide{}
	dir := s.ext.cfg.tlsDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "authplay-mtls-")
		if err != nil {
			return err
		}
		side.tmpDir, dir = tmp, tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fail := func(err error) error {
		if side.tmpDir != "" {
			os.RemoveAll(side.tmpDir)
		}
		return fmt.Errorf("mTLS port: %w", err)
	}
	ca, err := loadOrCreateCA(dir, s.notice)
	if err != nil {
		return fail(err)
	}
	side.caFile = filepath.Join(dir, caCertFile)
	if err := writeFileAtomic(side.caFile, ca.certPEM()); err != nil {
		return fail(err)
	}
	cert, err := ca.serverCertificate()
	if err != nil {
		return fail(err)
	}
	host, _, _ := net.SplitHostPort(s.listener.Addr().String())
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fail(err)
	}
	side.url = "https://" + ln.Addr().String()
	side.srv = &http.Server{
		Handler: s.mtlsHandler(),
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
			// Ask for a certificate without requiring or verifying one: the
			// endpoints check it against the client's registration, and a
			// client that sends none can still use a secret or an assertion.
			ClientAuth: tls.RequestClientCert,
		},
		ReadTimeout: s.cfg.readTimeout, ReadHeaderTimeout: min(headerTimeout, s.cfg.readTimeout), IdleTimeout: idleTimeout,
		// A client that does not trust the CA fails its handshake; the
		// operator is told, and nothing is printed under a terminal UI.
		ErrorLog: log.New(noticeWriter(s.notice), "mTLS port: ", 0),
	}
	s.ext.tls = side
	go side.srv.ServeTLS(ln, "", "") //nolint:errcheck // ErrServerClosed on Close
	return nil
}

type noticeWriter func(string)

func (n noticeWriter) Write(p []byte) (int, error) {
	n(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (s *Server) closeTLS() {
	if side := s.ext.tls; side != nil {
		side.srv.Close() //nolint:errcheck
		if side.tmpDir != "" {
			os.RemoveAll(side.tmpDir)
		}
	}
}

func (s *Server) shutdownTLS(ctx context.Context) error {
	side := s.ext.tls
	if side == nil {
		return nil
	}
	err := side.srv.Shutdown(ctx)
	if side.tmpDir != "" {
		os.RemoveAll(side.tmpDir)
	}
	return err
}

// mtlsHandler serves only what RFC 8705 §5 aliases: the endpoints at which
// a client authenticates or presents a token.
func (s *Server) mtlsHandler() http.Handler {
	all := s.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !servedOverMTLS(r.URL.Path) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found",
				"error_description": "the mTLS port serves the token, PAR, device, introspection, revocation, userinfo and API endpoints only; the authorization endpoint and the pages are at " + s.URL})
			return
		}
		all.ServeHTTP(w, r)
	})
}

func servedOverMTLS(path string) bool {
	switch path {
	case pathToken, pathPAR, "/oauth/device", "/oauth/introspect", "/oauth/revoke", "/oauth/userinfo", "/oauth/jwks.json":
		return true
	}
	return strings.HasPrefix(path, "/api/http/")
}

// mtlsAliases are RFC 8705 §5's mtls_endpoint_aliases.
func (s *Server) mtlsAliases() map[string]string {
	u := s.MTLSURL()
	return map[string]string{
		"token_endpoint":                        u + pathToken,
		"pushed_authorization_request_endpoint": u + pathPAR,
		"device_authorization_endpoint":         u + "/oauth/device",
		"introspection_endpoint":                u + "/oauth/introspect",
		"revocation_endpoint":                   u + "/oauth/revoke",
		"userinfo_endpoint":                     u + "/oauth/userinfo",
	}
}

// certificateClient is the client a request names by client_id alone when
// that client authenticates by certificate; nil otherwise.
func (s *Server) certificateClient(r *http.Request, form url.Values) *App {
	if r.Header.Get("Authorization") != "" || form.Has("client_secret") || form.Get("client_id") == "" {
		return nil
	}
	s.mu.Lock()
	app := s.apps[form.Get("client_id")]
	s.mu.Unlock()
	if app == nil || !app.usesCertificates() {
		return nil
	}
	return app
}

// authenticateByCertificate checks the TLS client certificate against the
// registration: a registered thumbprint (self_signed_tls_client_auth), or
// a chain to the demo client CA with the registered subject (tls_client_auth).
func (s *Server) authenticateByCertificate(r *http.Request, app *App) (clientAuth, *oauthError) {
	fail := func(format string, a ...any) (clientAuth, *oauthError) {
		return clientAuth{}, invalidClient(fmt.Sprintf(format, a...), false)
	}
	switch {
	case r.TLS == nil && s.MTLSURL() == "":
		return fail("%s authenticates with a TLS client certificate, and this server's mTLS port is off; start the server with it on (WithTLS, authplay demo-server --tls)", app.ClientID)
	case r.TLS == nil:
		return fail("%s authenticates with a TLS client certificate; send this request to the mTLS endpoint %s%s and present the certificate", app.ClientID, s.MTLSURL(), r.URL.Path)
	case len(r.TLS.PeerCertificates) == 0:
		return fail("no TLS client certificate was presented; present %s's certificate (RFC 8705 §2)", app.ClientID)
	}
	leaf := r.TLS.PeerCertificates[0]
	now := s.now()
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return fail("the client certificate is valid from %s to %s, not now", leaf.NotBefore.UTC().Format("2006-01-02"), leaf.NotAfter.UTC().Format("2006-01-02"))
	}
	tp := certThumbprint(leaf)
	if app.allows(AuthSelfSignedTLS) && slices.Contains(app.TLSThumbprints, tp) {
		return clientAuth{app: app, method: AuthSelfSignedTLS}, nil
	}
	if app.allows(AuthTLSClient) {
		inter := x509.NewCertPool()
		for _, c := range r.TLS.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: demoClientCAPool(), Intermediates: inter,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, CurrentTime: now})
		if err == nil {
			if got := leaf.Subject.String(); got != app.TLSSubjectDN {
				return fail("the client certificate's subject is %q, but %s registered %q (tls_client_auth_subject_dn)", got, app.ClientID, app.TLSSubjectDN)
			}
			return clientAuth{app: app, method: AuthTLSClient}, nil
		}
	}
	return fail("the client certificate (subject %q, SHA-256 thumbprint %s) is neither registered for %s (self_signed_tls_client_auth) nor issued to it by the demo client CA (tls_client_auth)", leaf.Subject.String(), tp, app.ClientID)
}
