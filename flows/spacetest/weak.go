package spacetest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Weak switches: a teaching aid, never on by default. Each turns off one
// family of defences, so that authplay's lab (and `authplay demo-server
// --weak`) can show what a server that lacks it lets through. A server with
// any of them on is unsafe by design; its banner says so.

// The defences WithWeak can turn off.
const (
	// WeakReplay: an authorization code may be redeemed again, and a
	// replay no longer revokes what the code bought (RFC 6749 §4.1.2).
	WeakReplay = "replay"
	// WeakPKCE: the token endpoint no longer checks code_verifier: a
	// missing one, a wrong one, and one for a request that had no
	// challenge all pass (RFC 7636 §4.6, RFC 9700 §4.8.2).
	WeakPKCE = "pkce"
	// WeakRedirect: a redirect URI matches when its scheme and host match
	// a registered one, whatever its path and query, and the token
	// endpoint no longer compares redirect_uri with the authorization
	// request's (RFC 9700 §4.1, RFC 6749 §4.1.3).
	WeakRedirect = "redirect"
)

// Weaknesses lists every name WithWeak accepts, in a stable order.
func Weaknesses() []string { return []string{WeakReplay, WeakPKCE, WeakRedirect} }

type weaknesses struct {
	replay, pkce, redirect bool
	unknown                []string // names NewServer refuses
}

// WithWeak turns off the named defences (WeakReplay, WeakPKCE,
// WeakRedirect). An unknown name makes NewServer fail, so a typo never
// leaves a defence on that the caller meant to show off.
func WithWeak(names ...string) Option {
	return func(c *config) {
		for _, n := range names {
			switch n {
			case WeakReplay:
				c.weak.replay = true
			case WeakPKCE:
				c.weak.pkce = true
			case WeakRedirect:
				c.weak.redirect = true
			default:
				c.weak.unknown = append(c.weak.unknown, n)
			}
		}
	}
}

// ParseWeak reads a comma-separated list of weaknesses, as
// `authplay demo-server --weak replay,pkce` takes it.
func ParseWeak(list string) ([]string, error) {
	var out []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(Weaknesses(), n) {
			return nil, fmt.Errorf("unknown weakness %q: choose among %s", n, strings.Join(Weaknesses(), ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

func (w weaknesses) check() error {
	if len(w.unknown) > 0 {
		return fmt.Errorf("unknown weakness %q: choose among %s", w.unknown[0], strings.Join(Weaknesses(), ", "))
	}
	return nil
}

// Weak names the defences this server has turned off; empty for a normal one.
func (s *Server) Weak() []string {
	on := map[string]bool{WeakReplay: s.cfg.weak.replay, WeakPKCE: s.cfg.weak.pkce, WeakRedirect: s.cfg.weak.redirect}
	var out []string
	for _, n := range Weaknesses() {
		if on[n] {
			out = append(out, n)
		}
	}
	return out
}

// redirectAllowed is the registration check, or with WeakRedirect the
// careless one many servers had: the right scheme and host are enough.
func (s *Server) redirectAllowed(app *App, uri string) bool {
	if !s.cfg.weak.redirect {
		return app.redirectAllowed(uri)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Fragment != "" {
		return false
	}
	for _, reg := range app.RedirectURIs {
		if r, err := url.Parse(reg); err == nil && r.Scheme == u.Scheme && r.Hostname() == u.Hostname() {
			return true
		}
	}
	return false
}

// verifierProblem is checkVerifier unless WeakPKCE turned it off.
func (s *Server) verifierProblem(g *codeGrant, verifier string) *oauthError {
	if s.cfg.weak.pkce {
		return nil
	}
	return checkVerifier(g, verifier)
}
