package spacetest

import (
	"sync"
	"time"
)

// refreshGrant is what a refresh token stands for. Every token minted from
// one authorization (the access tokens, the refresh token and, for public
// clients, each rotated successor) shares its Sid: the Sid names the token
// family, and revoking the family revokes them all.
type refreshGrant struct {
	ClientID string    `json:"client_id"`
	UserID   string    `json:"user_id"`
	Scope    string    `json:"scope"`
	Sid      string    `json:"sid"`
	Issued   time.Time `json:"issued"`
	// JKT binds a public client's refresh token to its DPoP key (RFC 9449 §5).
	JKT string `json:"dpop_jkt,omitempty"`
}

// refreshLookup is a refresh token's record and what has happened to it.
// A nil grant means the token is unknown.
type refreshLookup struct {
	grant   *refreshGrant
	spent   bool // rotated away: presenting it again is reuse
	revoked bool
}

// grantStore keeps what must outlive a request: refresh tokens, which of
// them were spent by rotation, which families were revoked, and which users
// already gave an application offline access. Every change is one
// create-once or write-once record, never a rewrite of shared state, so two
// servers on one directory cannot lose each other's writes (see dirGrants).
type grantStore interface {
	addRefresh(token string, g refreshGrant) error
	lookupRefresh(token string) (refreshLookup, error)
	// spend marks a refresh token as rotated away. first is false when it
	// had been spent already: the token was presented twice.
	spend(token string) (first bool, err error)
	// revokeFamily revokes every token of a family; revokeFamilyRefresh only
	// its refresh tokens (the access tokens live out their time).
	revokeFamily(sid string) error
	revokeFamilyRefresh(sid string) error
	// accessRevoked reports whether the family's access tokens are revoked.
	accessRevoked(sid string) (bool, error)
	// markOffline records that a user gave an app offline access; first is
	// false when they had already.
	markOffline(pair string) (first bool, err error)
	dropOffline(pair string) error
}

// Limits of the in-memory store. Refresh tokens are only minted for a
// signed-in user (or valid password), but the demo's credentials are public,
// so they are capped like everything else; the oldest is forgotten first and
// then reads as unknown. A family revocation must outlast the access tokens
// it kills, which live accessTTL at most, and is dropped after that: the
// family's refresh tokens are marked revoked themselves, so forgetting the
// family revocation brings nothing back.
const (
	maxMemRefreshTokens = 10_000
	maxMemRevocations   = 100_000
)

type memRefresh struct {
	grant          refreshGrant
	spent, revoked bool
}

// memGrants is the store of a server without a directory.
type memGrants struct {
	mu      sync.Mutex
	tokens  *boundedMap[*memRefresh]
	all     *boundedMap[struct{}] // sids whose every token is revoked
	refresh *boundedMap[struct{}] // sids whose refresh tokens are revoked
	offline map[string]bool       // user|client pairs: bounded by users × apps
}

func newMemGrants(now func() time.Time, accessTTL time.Duration) *memGrants {
	// Refresh tokens do not expire in Space; a century stands for never.
	const never = 100 * 365 * 24 * time.Hour
	return &memGrants{
		tokens:  newBoundedMap[*memRefresh](maxMemRefreshTokens, never, now),
		all:     newBoundedMap[struct{}](maxMemRevocations, accessTTL, now),
		refresh: newBoundedMap[struct{}](maxMemRevocations, accessTTL, now),
		offline: map[string]bool{},
	}
}

func (m *memGrants) addRefresh(token string, g refreshGrant) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, all := m.all.get(g.Sid)
	_, refresh := m.refresh.get(g.Sid)
	// A rotation that raced a family revocation is born revoked.
	m.tokens.put(token, &memRefresh{grant: g, revoked: all || refresh})
	return nil
}

func (m *memGrants) lookupRefresh(token string) (refreshLookup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.tokens.get(token)
	if !ok {
		return refreshLookup{}, nil
	}
	g := r.grant
	return refreshLookup{grant: &g, spent: r.spent, revoked: r.revoked}, nil
}

func (m *memGrants) spend(token string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.tokens.get(token)
	if !ok {
		return false, nil
	}
	first := !r.spent
	r.spent = true
	return first, nil
}

func (m *memGrants) revokeFamily(sid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all.put(sid, struct{}{})
	m.markRevoked(sid)
	return nil
}

func (m *memGrants) revokeFamilyRefresh(sid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refresh.put(sid, struct{}{})
	m.markRevoked(sid)
	return nil
}

// markRevoked flags the family's refresh tokens themselves, so that they
// stay revoked after the family's revocation entry expires.
func (m *memGrants) markRevoked(sid string) {
	m.tokens.each(func(_ string, r *memRefresh) bool {
		if r.grant.Sid == sid {
			r.revoked = true
		}
		return true
	})
}

func (m *memGrants) accessRevoked(sid string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, all := m.all.get(sid)
	return all, nil
}

func (m *memGrants) markOffline(pair string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := !m.offline[pair]
	m.offline[pair] = true
	return first, nil
}

func (m *memGrants) dropOffline(pair string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.offline, pair)
	return nil
}
