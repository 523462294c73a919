package spacetest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Server is a Space-compatible authorization server listening on loopback.
type Server struct {
	// URL is the service URL, e.g. http://127.0.0.1:53211 (no trailing slash).
	URL string

	cfg      config
	keys     *keySlot
	listener net.Listener
	http     *http.Server

	saveMu    sync.Mutex
	mu        sync.Mutex
	apps      map[string]*App
	users     map[string]*User // by username
	permanent map[string]*PermanentToken
	pending   map[string]*pendingAuth // authorization requests awaiting login/consent
	sessions  map[string]string       // browser session cookie -> user ID
	codes     map[string]*codeGrant
	refresh   map[string]*refreshGrant
	devices   map[string]*deviceGrant // by device_code
	revoked   map[string]bool         // access-token sid values
	offline   map[string]bool         // user|client pairs that already got a refresh token
}

type config struct {
	addr            string
	dir             string
	now             func() time.Time
	accessTTL       time.Duration
	codeTTL         time.Duration
	deviceTTL       time.Duration
	deviceInterval  time.Duration
	headlessApprove bool
	keyGen          func() (*rsa.PrivateKey, error)
}

// Option configures a Server.
type Option func(*config)

// WithAddr listens on addr (host:port) instead of an ephemeral 127.0.0.1 port.
// Only loopback hosts are accepted.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithDir keeps the signing key, grants and last port in dir, so a restarted
// server honours yesterday's tokens. Without it the server lives in memory.
func WithDir(dir string) Option { return func(c *config) { c.dir = dir } }

// WithClock replaces time.Now, for tests of expiry.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithAccessTokenTTL sets the access token lifetime (Space: about 600 s).
func WithAccessTokenTTL(d time.Duration) Option { return func(c *config) { c.accessTTL = d } }

// WithCodeTTL sets how long an authorization code stays valid.
func WithCodeTTL(d time.Duration) Option { return func(c *config) { c.codeTTL = d } }

// WithDeviceInterval sets the polling interval the device flow asks for.
func WithDeviceInterval(d time.Duration) Option { return func(c *config) { c.deviceInterval = d } }

// WithHeadlessApproval turns on POST /demo/approve, with which a program
// approves a pending authorization as the demo user without a browser. It is
// meant for tests and the demo; a real Space has nothing like it.
func WithHeadlessApproval(on bool) Option { return func(c *config) { c.headlessApprove = on } }

// WithKey signs with the given key instead of generating one.
func WithKey(k *rsa.PrivateKey) Option {
	return func(c *config) { c.keyGen = func() (*rsa.PrivateKey, error) { return k, nil } }
}

// NewServer starts a server on loopback and returns once it accepts
// connections. Close it when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		now: time.Now, accessTTL: 600 * time.Second, codeTTL: 2 * time.Minute,
		deviceTTL: 10 * time.Minute, deviceInterval: 5 * time.Second,
		keyGen: func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, keyBits) },
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg: cfg, apps: map[string]*App{}, users: map[string]*User{}, permanent: map[string]*PermanentToken{},
		pending: map[string]*pendingAuth{}, sessions: map[string]string{}, codes: map[string]*codeGrant{},
		refresh: map[string]*refreshGrant{}, devices: map[string]*deviceGrant{}, revoked: map[string]bool{},
		offline: map[string]bool{},
	}
	for _, a := range DemoApps() {
		s.apps[a.ClientID] = &a
	}
	for _, u := range DemoUsers() {
		s.users[u.Username] = &u
	}
	for _, t := range DemoPermanentTokens() {
		s.permanent[t.Token] = &t
	}
	addr := cfg.addr
	if cfg.dir != "" {
		if err := os.MkdirAll(cfg.dir, 0o700); err != nil {
			return nil, err
		}
		keyPath := filepath.Join(cfg.dir, "signing-key.pem")
		cfg.keyGen = func() (*rsa.PrivateKey, error) { return loadOrCreateKey(keyPath) }
		last, err := s.load()
		if err != nil {
			return nil, err
		}
		if addr == "" && last != "" {
			addr = last
		}
	}
	s.keys = newKeySlot(cfg.keyGen)
	ln, err := listenLoopback(addr, cfg.addr == "")
	if err != nil {
		return nil, err
	}
	s.listener = ln
	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln) //nolint:errcheck // Serve returns ErrServerClosed on Close
	if cfg.dir != "" && s.listener.Addr().String() != addr {
		go s.persist() // remember the new port, off the path to the TUI's first frame
	}
	return s, nil
}

// listenLoopback binds addr, which must be a loopback address. When the
// remembered port is taken and no address was asked for, any free port will do.
func listenLoopback(addr string, fallback bool) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w (expected host:port, e.g. 127.0.0.1:9090)", addr, err)
	}
	if !isLoopbackHost(host) {
		return nil, fmt.Errorf("address %q: the built-in server listens on loopback only (127.0.0.1, [::1] or localhost)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && fallback {
		return net.Listen("tcp", net.JoinHostPort(host, "0"))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w (is another program using the port?)", addr, err)
	}
	return ln, nil
}

// Close stops the server at once.
func (s *Server) Close() {
	s.http.Close() //nolint:errcheck
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// Handler returns the server's routes, for use in an httptest.Server or a benchmark.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/auth", s.handleAuth)
	mux.HandleFunc("POST /oauth/login", s.handleLogin)
	mux.HandleFunc("POST /oauth/consent", s.handleConsent)
	mux.HandleFunc("POST /oauth/token", s.handleToken)
	mux.HandleFunc("GET /oauth/jwks.json", s.handleJWKS)
	mux.HandleFunc("POST /oauth/device", s.handleDeviceAuthorization)
	mux.HandleFunc("GET /device", s.handleDevicePage)
	mux.HandleFunc("POST /device", s.handleDeviceSubmit)
	mux.HandleFunc("POST /oauth/introspect", s.handleIntrospect)
	mux.HandleFunc("POST /oauth/revoke", s.handleRevoke)
	mux.HandleFunc("GET /oauth/userinfo", s.handleUserinfo)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.handleDiscovery)
	mux.HandleFunc("GET /api/http/team-directory/profiles/me", s.handleProfileMe)
	mux.HandleFunc("GET /api/http/absences", s.handleAbsences)
	mux.HandleFunc("GET /api/http/applications/me", s.handleApplicationMe)
	mux.HandleFunc("GET /api/http/applications/{app}/public-keys", s.handlePublicKeys)
	mux.HandleFunc("DELETE /api/http/team-directory/profiles/oauth-consents/me/refresh-tokens/self", s.handleRevokeOwnRefresh)
	mux.HandleFunc("POST /demo/approve", s.handleHeadlessApprove)
	mux.HandleFunc("GET /{$}", s.handleHome)
	return mux
}

// Apps returns a copy of the registrations, for `authplay demo-server` to print.
func (s *Server) Apps() []App {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []App
	for _, a := range DemoApps() {
		out = append(out, *s.apps[a.ClientID])
	}
	return out
}

// WaitKey blocks until the signing key is ready.
func (s *Server) WaitKey() error {
	_, err := s.keys.get()
	return err
}

func (s *Server) now() time.Time { return s.cfg.now() }

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// userCode makes an RFC 8628 §6.1 user code: 8 consonants in two groups,
// no vowels (so no words) and no look-alike characters.
func userCode() string {
	const alphabet = "BCDFGHJKLMNPQRSTVWXZ"
	b := make([]byte, 8)
	rand.Read(b) //nolint:errcheck
	var sb strings.Builder
	for i, c := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var errNoUser = errors.New("no such user")
