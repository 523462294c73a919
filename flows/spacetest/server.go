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
	"sync/atomic"
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
	saving    sync.WaitGroup // a background save; Close waits for it
	mu        sync.Mutex
	apps      map[string]*App
	users     map[string]*User // by username
	permanent map[string]*PermanentToken
	grants    grantStore // refresh tokens, revocations, offline consents

	// Entries one request can create, each bounded in number and lifetime.
	pending  *boundedMap[*pendingAuth] // authorization requests awaiting login/consent
	sessions *boundedMap[string]       // browser session cookie -> user ID
	codes    *boundedMap[*codeGrant]
	devices  *boundedMap[*deviceGrant] // by device_code

	ext *extState // the extensions Space lacks (extoptions.go)

	requests atomic.Int64 // every request received on the main port
}

// Requests is how many requests the server has received on its main port:
// what a test counts to prove a client sent none.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) counting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		next.ServeHTTP(w, r)
	})
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
	readTimeout     time.Duration
	notify          func(string)
	weak            weaknesses // teaching switches (weak.go); all off unless WithWeak
	ext             extConfig

	// Lifetimes and the cap of the per-request maps; fixed outside tests.
	pendingTTL, sessionTTL time.Duration
	maxEntries             int
}

// Defaults for what a request can make the server hold. A person has a
// handful of authorizations open at once; a thousand of each is plenty,
// and 20,000 unfinished authorizations now cost what a thousand do.
const (
	defaultPendingTTL  = 10 * time.Minute // as long as a device code lives
	defaultSessionTTL  = time.Hour
	defaultMaxEntries  = 1000
	defaultReadTimeout = 30 * time.Second // a 1 MiB body over a slow link
	headerTimeout      = 10 * time.Second
	idleTimeout        = 2 * time.Minute
)

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

// WithReadTimeout bounds how long a request's headers and body may take to
// arrive (30 s unless set): a client that announces a body and never sends
// it is cut off instead of holding a connection for ever.
func WithReadTimeout(d time.Duration) Option { return func(c *config) { c.readTimeout = d } }

// WithNotices receives what the operator should know but no client is told,
// such as a damaged state file that was moved aside. Without it such notices
// are dropped: the server may run under a full-screen terminal program.
// fn may be called from several goroutines at once.
func WithNotices(fn func(string)) Option { return func(c *config) { c.notify = fn } }

// WithKey signs with the given key instead of generating one.
func WithKey(k *rsa.PrivateKey) Option {
	return func(c *config) { c.keyGen = func() (*rsa.PrivateKey, error) { return k, nil } }
}

// NewServer starts a server on loopback and returns once it accepts
// connections. Close it when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		now: time.Now, accessTTL: 600 * time.Second, codeTTL: 2 * time.Minute,
		deviceTTL: 10 * time.Minute, deviceInterval: 5 * time.Second, readTimeout: defaultReadTimeout,
		keyGen:     func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, keyBits) },
		pendingTTL: defaultPendingTTL, sessionTTL: defaultSessionTTL, maxEntries: defaultMaxEntries,
		notify: func(string) {},
	}
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.weak.check(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, apps: map[string]*App{}, users: map[string]*User{}, permanent: map[string]*PermanentToken{},
		pending:  newBoundedMap[*pendingAuth](cfg.maxEntries, cfg.pendingTTL, cfg.now),
		sessions: newBoundedMap[string](cfg.maxEntries, cfg.sessionTTL, cfg.now),
		// A used code is kept while the tokens it bought live, so that a
		// replay still finds it and revokes them; an expired unused code
		// is kept as long, so its redeemer hears "expired", not "unknown".
		codes: newBoundedMap[*codeGrant](cfg.maxEntries, cfg.codeTTL+cfg.accessTTL, cfg.now),
		// Likewise a device code outlives its expiry, for RFC 8628's expired_token.
		devices: newBoundedMap[*deviceGrant](cfg.maxEntries, 2*cfg.deviceTTL, cfg.now),
		grants:  newMemGrants(cfg.now, cfg.accessTTL),
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
		s.grants = newDirGrants(cfg.dir)
		last, err := s.load()
		if err != nil {
			return nil, err
		}
		if addr == "" && last != "" {
			addr = last
		}
	}
	s.ext = newExtState(cfg)
	s.keys = newKeySlot(cfg.keyGen)
	ln, err := listenLoopback(addr, cfg.addr == "")
	if err != nil {
		return nil, err
	}
	s.listener = ln
	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{
		Handler: s.counting(s.Handler()), ReadTimeout: cfg.readTimeout, ReadHeaderTimeout: min(headerTimeout, cfg.readTimeout),
		IdleTimeout: idleTimeout,
	}
	// The mTLS port starts first, so that no request sees it half made.
	if err := s.startTLS(); err != nil {
		ln.Close()
		return nil, err
	}
	go s.http.Serve(ln) //nolint:errcheck // Serve returns ErrServerClosed on Close
	if cfg.dir != "" && s.listener.Addr().String() != addr {
		s.saving.Go(s.persist) // remember the new port, off the path to the TUI's first frame
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

// Close stops the server at once. Nothing of it runs after Close returns.
func (s *Server) Close() {
	s.http.Close() //nolint:errcheck
	s.closeTLS()
	s.saving.Wait()
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if terr := s.shutdownTLS(ctx); err == nil {
		err = terr
	}
	s.saving.Wait()
	return err
}

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
	mux.HandleFunc("POST /oauth/par", s.handlePAR)
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

// writeFileAtomic replaces path with data; a reader sees the old file or
// the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	return os.Rename(tmp, path)
}

// createFileOnce writes path with data unless it exists. A hard link fails
// when its target exists, so of two processes the first one's file stays
// whole and the second gets os.ErrExist.
func createFileOnce(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	return os.Link(tmp, path)
}

// writeTemp writes data, synced and private, to a new file beside path.
func writeTemp(path string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return "", err
	}
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

var errNoUser = errors.New("no such user")
