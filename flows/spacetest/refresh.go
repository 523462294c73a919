package spacetest

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Refresh tokens: issuing, redeeming, rotating and revoking them by family.

func (s *Server) grantRefresh(app *App, public bool, form url.Values, bind binding) (map[string]any, *oauthError) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, badRequest("invalid_request", "refresh_token is missing")
	}
	st, err := s.grants.lookupRefresh(rt)
	if err != nil {
		return nil, s.storeFailure(err)
	}
	g := st.grant
	switch {
	case g == nil:
		return nil, badRequest("invalid_grant", "the refresh token is unknown")
	case g.ClientID != app.ClientID:
		return nil, badRequest("invalid_grant", "the refresh token was issued to another application")
	case st.revoked:
		return nil, badRequest("invalid_grant", "the refresh token was revoked")
	case st.spent:
		return nil, s.refreshReused(g)
	}
	if oerr := checkRefreshBinding(g, bind); oerr != nil {
		return nil, oerr
	}
	scope := g.Scope
	if req := strings.TrimSpace(form.Get("scope")); req != "" && req != allRights {
		for _, el := range strings.Fields(req) {
			if !scopeGrants(g.Scope, strings.TrimPrefix(el, globalScopePrefix)) && !slices.Contains(strings.Fields(g.Scope), el) {
				return nil, badRequest("invalid_scope", "scope "+quote(el)+" is wider than what the refresh token was granted")
			}
		}
		scope = req
	}
	u := s.userByID(g.UserID)
	if u == nil {
		return nil, badRequest("invalid_grant", "the user of this refresh token no longer exists")
	}
	if !public {
		// Space keeps a confidential client's refresh token (no rotation), so
		// the response carries none.
		return s.tokenResponse(app, userPrincipal(u), scope, tokenExtras{sid: g.Sid, bind: bind})
	}
	// A public client's refresh token is a bearer secret nothing else
	// protects: it rotates, so a stolen copy is caught when both the thief
	// and the client use it (RFC 9700 §4.14.2). Stricter than Space.
	// Spending is one atomic step, so of two racing requests exactly one
	// wins and the other counts as reuse.
	first, err := s.grants.spend(rt)
	if err != nil {
		return nil, s.storeFailure(err)
	}
	if !first {
		return nil, s.refreshReused(g)
	}
	return s.tokenResponse(app, userPrincipal(u), scope, tokenExtras{sid: g.Sid, offline: true, familyScope: g.Scope, bind: bind})
}

// refreshReused answers a rotated-away refresh token presented again: the
// server cannot tell the client from a thief, so the whole family goes.
func (s *Server) refreshReused(g *refreshGrant) *oauthError {
	if err := s.revokeFamily(g.Sid, g.UserID, g.ClientID); err != nil {
		return s.storeFailure(err)
	}
	return badRequest("invalid_grant", "the refresh token was already exchanged for a newer one; a spent token presented again may have been stolen, so every token of this grant is now revoked (RFC 9700 §4.14.2)")
}

func (s *Server) issueRefresh(app *App, p principal, scope string, x tokenExtras) (string, error) {
	first, err := s.grants.markOffline(p.ID + "|" + app.ClientID)
	if err != nil {
		return "", err
	}
	if x.firstOfflineOnly && !first {
		return "", nil
	}
	if x.familyScope != "" {
		scope = x.familyScope
	}
	rt := "sprt-" + randomID(24)
	g := refreshGrant{ClientID: app.ClientID, UserID: p.ID, Scope: scope, Sid: x.sid, Issued: s.now().UTC().Truncate(time.Second), JKT: x.bind.refreshJKT()}
	if err := s.grants.addRefresh(rt, g); err != nil {
		return "", err
	}
	return rt, nil
}

// revokeFamily revokes every token minted under sid, and forgets the
// user's offline consent so that their next sign-in may get a refresh
// token again.
func (s *Server) revokeFamily(sid, userID, clientID string) error {
	if err := s.grants.revokeFamily(sid); err != nil {
		return err
	}
	return s.grants.dropOffline(userID + "|" + clientID)
}

// activeRefresh returns the grant of a refresh token that can still be
// redeemed, or nil.
func (s *Server) activeRefresh(tok string) *refreshGrant {
	st, err := s.grants.lookupRefresh(tok)
	if err != nil {
		s.storeFailure(err)
		return nil
	}
	if st.grant == nil || st.spent || st.revoked {
		return nil
	}
	return st.grant
}

// storeFailure reports a grant store that could not answer. A damaged
// record is the client's grant gone bad (invalid_grant, and a notice for
// the operator); anything else is the server's trouble.
func (s *Server) storeFailure(err error) *oauthError {
	var damaged *damagedError
	if errors.As(err, &damaged) {
		s.notice(damaged.Error())
		return badRequest("invalid_grant", "the server's record of this grant is damaged, so the grant cannot be used; sign in again ("+damaged.Error()+")")
	}
	s.notice("grant store: " + err.Error())
	return &oauthError{status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", Description: "the server could not read or write its grants: " + err.Error()}
}
