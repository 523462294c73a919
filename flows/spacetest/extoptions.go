package spacetest

import (
	"net/http"
	"sync"
	"time"
)

// Switches and state of the extensions Space lacks: key-based client
// authentication, DPoP, PAR, JAR, token exchange, the JWT-bearer grant and
// mutual TLS. Each is labelled [X] in the conformance table (doc.go).

type extConfig struct {
	dpopRequired bool   // every token request needs a DPoP proof
	dpopNonce    bool   // every DPoP proof needs a server nonce
	parRequired  bool   // every authorization request must be pushed
	tls          bool   // serve the mTLS port
	tlsDir       string // where the mTLS CA lives; "" for a temporary directory
}

// WithDPoPRequired refuses token requests that carry no DPoP proof, for
// every registration (RFC 9449 §5.2); demo-dpop-app demands it regardless.
func WithDPoPRequired(on bool) Option { return func(c *config) { c.ext.dpopRequired = on } }

// WithDPoPNonce demands a server-provided nonce in every DPoP proof, at the
// token endpoint and at the API (RFC 9449 §8, §9); demo-dpop-app demands
// one regardless.
func WithDPoPNonce(on bool) Option { return func(c *config) { c.ext.dpopNonce = on } }

// WithPARRequired refuses authorization requests that were not pushed to
// /oauth/par first, for every registration (RFC 9126 §5), and says so in
// discovery.
func WithPARRequired(on bool) Option { return func(c *config) { c.ext.parRequired = on } }

// WithTLS also serves the token, PAR, device, introspection, revocation,
// userinfo and API endpoints on a second loopback port over HTTPS, asking
// for client certificates (RFC 8705), and advertises them as
// mtls_endpoint_aliases. The server's own certificate authority lives in
// dir (made 0700; created on first use and kept), or, when dir is "", in a
// temporary directory removed on Close. MTLSURL and CACertFile say where
// the port is and which certificate a client must trust.
func WithTLS(dir string) Option {
	return func(c *config) {
		c.ext.tls = true
		c.ext.tlsDir = dir
	}
}

// Lifetimes of what the extensions remember.
const (
	clockSkew       = 10 * time.Second // client and server usually share this machine's clock
	maxAssertionTTL = 10 * time.Minute // the longest a client or grant assertion may be valid
	proofMaxAge     = 60 * time.Second // how old a DPoP proof's iat may be
	nonceTTL        = 5 * time.Minute  // how long a DPoP nonce stays good
	pushedTTL       = 60 * time.Second // a pushed request_uri's lifetime (expires_in)
	maxRequestTTL   = time.Hour        // the longest a request object may be valid
	// Replay stores refuse new entries when full rather than forget old
	// ones: forgetting a jti would let its JWT be replayed.
	replayCapFactor = 10
)

// extState is what the extensions hold in memory, each part bounded in
// number and lifetime like the server's other per-request entries. Its own
// mutex guards the maps, so the extensions never wait on the server's.
type extState struct {
	cfg extConfig

	mu         sync.Mutex
	assertions *replayStore // jti of client assertions and grant assertions
	proofs     *replayStore // jti of DPoP proofs
	nonces     *boundedMap[string]
	pushed     *boundedMap[*pushedRequest] // by request_uri
	tls        *tlsSide                    // nil unless WithTLS; set before any request is served
}

func newExtState(cfg config) *extState {
	capacity := cfg.maxEntries * replayCapFactor
	return &extState{
		cfg:        cfg.ext,
		assertions: newReplayStore(capacity, maxAssertionTTL+2*clockSkew, cfg.now),
		proofs:     newReplayStore(capacity, proofMaxAge+2*clockSkew, cfg.now),
		nonces:     newBoundedMap[string](cfg.maxEntries, nonceTTL, cfg.now),
		pushed:     newBoundedMap[*pushedRequest](cfg.maxEntries, pushedTTL, cfg.now),
	}
}

// replayStore remembers the identifiers of single-use JWTs for as long as
// such a JWT can be valid.
type replayStore struct {
	max  int
	seen *boundedMap[struct{}]
}

func newReplayStore(maxEntries int, ttl time.Duration, now func() time.Time) *replayStore {
	return &replayStore{max: max(maxEntries, 1), seen: newBoundedMap[struct{}](maxEntries, ttl, now)}
}

type replayVerdict int

const (
	replayFresh replayVerdict = iota
	replaySeen
	replayFull // too many live entries to remember one more
)

// remember records key unless it was seen; callers hold extState.mu.
func (r *replayStore) remember(key string) replayVerdict {
	if _, seen := r.seen.get(key); seen {
		return replaySeen
	}
	r.seen.sweep(r.seen.now())
	if r.seen.len() >= r.max {
		return replayFull
	}
	r.seen.put(key, struct{}{})
	return replayFresh
}

// remember records a JWT identifier in store under the extensions' lock.
func (s *Server) remember(store *replayStore, key string) replayVerdict {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	return store.remember(key)
}

// replayStoreFull answers a JWT that cannot be checked for replay because
// the store is full: refusing is the only safe answer.
func replayStoreFull(what string) *oauthError {
	return &oauthError{status: http.StatusServiceUnavailable, Code: "temporarily_unavailable",
		Description: "the server already remembers as many recent " + what + " identifiers (jti) as it can hold; try again in a few minutes"}
}
