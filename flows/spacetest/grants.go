package spacetest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The grants of the token endpoint, and the tokens they mint.

func requestedScope(form url.Values) string {
	if sc := strings.TrimSpace(form.Get("scope")); sc != "" {
		return sc
	}
	return allRights // Space's SDKs send ** when no scope is given
}

// effectiveScope is what a token may really do: ** narrows to the app's
// authorized rights, which may be none at all.
func effectiveScope(app *App, requested string) string {
	var out []string
	for _, el := range strings.Fields(requested) {
		if el != allRights {
			out = append(out, el)
			continue
		}
		if slices.Contains(app.AuthorizedRights, allRights) {
			out = append(out, allRights)
			continue
		}
		out = append(out, app.AuthorizedRights...)
	}
	return strings.Join(out, " ")
}

func (s *Server) grantClientCredentials(app *App, public bool, form url.Values, bind binding) (map[string]any, *oauthError) {
	if public {
		return nil, invalidClient("a public client cannot use the client credentials flow: it has no secret to prove who it is", false)
	}
	if !app.ClientCredentials {
		return nil, badRequest("unauthorized_client", "the Client Credentials Flow is not enabled for this application")
	}
	scope := requestedScope(form)
	if p := app.scopeProblem(scope); p != "" {
		return nil, badRequest("invalid_scope", p)
	}
	return s.tokenResponse(app, principal{Kind: principalService, ID: app.ClientID, Name: app.Name}, scope, tokenExtras{bind: bind})
}

func (s *Server) grantAuthorizationCode(app *App, public bool, form url.Values, bind binding) (map[string]any, *oauthError) {
	if !app.CodeFlow {
		return nil, badRequest("unauthorized_client", "the Authorization Code Flow is not enabled for this application")
	}
	code := form.Get("code")
	if code == "" {
		return nil, badRequest("invalid_request", "code is missing")
	}
	s.mu.Lock()
	g, _ := s.codes.get(code)
	if g == nil || g.ClientID != app.ClientID {
		s.mu.Unlock()
		return nil, badRequest("invalid_grant", "the authorization code is unknown, or was issued to another application")
	}
	used := g.Used && !s.cfg.weak.replay
	g.Used = true
	s.mu.Unlock()
	if used {
		// RFC 6749 §4.1.2: a code presented twice may have been stolen, so
		// every token it bought is revoked, refresh tokens and the access
		// tokens they minted included.
		if err := s.revokeFamily(g.Sid, g.UserID, g.ClientID); err != nil {
			return nil, s.storeFailure(err)
		}
		return nil, badRequest("invalid_grant", "the authorization code was already used; every token issued for it is now revoked")
	}
	if s.now().After(g.Expires) {
		return nil, badRequest("invalid_grant", "the authorization code has expired")
	}
	switch ru := form.Get("redirect_uri"); {
	case ru == "" && g.RedirectURI != "":
		return nil, badRequest("invalid_request", "redirect_uri is missing; send the one used in the authorization request")
	case ru != g.RedirectURI && !s.cfg.weak.redirect:
		return nil, badRequest("invalid_grant", "redirect_uri differs from the one in the authorization request")
	}
	if oerr := s.verifierProblem(g, form.Get("code_verifier")); oerr != nil {
		return nil, oerr
	}
	if public && g.Challenge == "" {
		return nil, badRequest("invalid_request", "a public client must use PKCE")
	}
	if oerr := checkCodeBinding(g, bind); oerr != nil {
		return nil, oerr
	}
	u := s.userByID(g.UserID)
	if u == nil {
		return nil, badRequest("invalid_grant", "the user who authorized this code no longer exists")
	}
	extras := tokenExtras{sid: g.Sid, nonce: g.Nonce, offline: g.AccessType == "offline", firstOfflineOnly: true, bind: bind}
	return s.tokenResponse(app, userPrincipal(u), g.Scope, extras)
}

func checkVerifier(g *codeGrant, verifier string) *oauthError {
	switch {
	case g.Challenge == "" && verifier != "":
		return badRequest("invalid_request", "code_verifier was sent, but the authorization request had no code_challenge")
	case g.Challenge == "":
		return nil
	case verifier == "":
		return badRequest("invalid_grant", "code_verifier is missing; the authorization request used PKCE")
	}
	want := verifier
	if g.ChallengeMethod == "S256" {
		want = s256(verifier)
	}
	if !secretEqual(want, g.Challenge) {
		return badRequest("invalid_grant", "code_verifier does not match the code_challenge")
	}
	return nil
}

func (s *Server) grantPassword(app *App, form url.Values, bind binding) (map[string]any, *oauthError) {
	username, password := form.Get("username"), form.Get("password")
	if username == "" || password == "" {
		return nil, badRequest("invalid_request", "username and password are both required")
	}
	s.mu.Lock()
	u := s.users[username]
	s.mu.Unlock()
	if u == nil || !secretEqual(u.Password, password) {
		return nil, badRequest("invalid_grant", "the username or password is wrong")
	}
	scope := requestedScope(form)
	if p := app.scopeProblem(scope); p != "" {
		return nil, badRequest("invalid_scope", p)
	}
	return s.tokenResponse(app, userPrincipal(u), scope, tokenExtras{offline: form.Get("access_type") == "offline", bind: bind})
}

func (s *Server) grantDevice(app *App, form url.Values, bind binding) (map[string]any, *oauthError) {
	dc := form.Get("device_code")
	if dc == "" {
		return nil, badRequest("invalid_request", "device_code is missing")
	}
	now := s.now()
	s.mu.Lock()
	g, _ := s.devices.get(dc)
	if g == nil || g.ClientID != app.ClientID {
		s.mu.Unlock()
		return nil, badRequest("invalid_grant", "the device code is unknown, or was issued to another application")
	}
	if now.After(g.Expires) {
		s.devices.delete(dc)
		s.mu.Unlock()
		return nil, badRequest("expired_token", "the device code has expired; start again")
	}
	tooSoon := !g.LastPoll.IsZero() && now.Sub(g.LastPoll) < g.Interval
	g.LastPoll = now
	status, userID, scope := g.Status, g.UserID, g.Scope
	if status == "pending" && tooSoon {
		g.Interval += slowDownIncrement
		s.mu.Unlock()
		return nil, badRequest("slow_down", "polling too fast; wait at least "+g.Interval.String()+" between requests")
	}
	if status != "pending" {
		s.devices.delete(dc)
	}
	s.mu.Unlock()
	switch status {
	case "pending":
		return nil, badRequest("authorization_pending", "the user has not finished yet")
	case "denied":
		return nil, badRequest("access_denied", "the user declined")
	}
	u := s.userByID(userID)
	if u == nil {
		return nil, badRequest("invalid_grant", "the approving user no longer exists")
	}
	return s.tokenResponse(app, userPrincipal(u), scope, tokenExtras{offline: true, bind: bind})
}

type principal struct{ Kind, ID, Name, Username string }

func userPrincipal(u *User) principal {
	return principal{Kind: principalUser, ID: u.ID, Name: u.FirstName + " " + u.LastName, Username: u.Username}
}

type tokenExtras struct {
	sid              string
	nonce            string
	offline          bool
	firstOfflineOnly bool   // Space: a code exchange gets a refresh token only the first time per user
	familyScope      string // a rotated refresh token keeps its family's scope (RFC 6749 §6)
	bind             binding
}

func (s *Server) userByID(id string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// tokenResponse mints the access token (and refresh and ID tokens when due).
func (s *Server) tokenResponse(app *App, p principal, requested string, x tokenExtras) (map[string]any, *oauthError) {
	scope := effectiveScope(app, requested)
	if x.sid == "" {
		x.sid = randomID(8)
	}
	claims := s.accessClaims(app, p, scope, x.sid)
	x.bind.addTo(claims)
	at, err := s.signClaims(claims)
	if err != nil {
		return nil, &oauthError{status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", Description: err.Error()}
	}
	resp := map[string]any{
		"access_token": at,
		"token_type":   x.bind.tokenType(),
		"expires_in":   int64(s.cfg.accessTTL / time.Second),
	}
	if scope != requested {
		resp["scope"] = scope // RFC 6749 §5.1: say so when the scope differs from the request
	}
	if x.offline && p.Kind == principalUser {
		rt, err := s.issueRefresh(app, p, scope, x)
		if err != nil {
			return nil, s.storeFailure(err)
		}
		if rt != "" {
			resp["refresh_token"] = rt
		}
	}
	if slices.Contains(strings.Fields(scope), "openid") && p.Kind == principalUser {
		idt, err := s.idToken(app, p, x.nonce, at)
		if err != nil {
			return nil, &oauthError{status: http.StatusServiceUnavailable, Code: "temporarily_unavailable", Description: err.Error()}
		}
		resp["id_token"] = idt
	}
	return resp, nil
}

func (s *Server) accessToken(app *App, p principal, scope, sid string) (string, error) {
	return s.signClaims(s.accessClaims(app, p, scope, sid))
}

// accessClaims are a Space access token's claims (space-oauth.md §5).
func (s *Server) accessClaims(app *App, p principal, scope, sid string) map[string]any {
	now := s.now()
	name := p.Username
	if p.Kind == principalService {
		name = app.Name
	}
	return map[string]any{
		"sub": p.ID, "aud": app.ClientID, "orgDomain": demoOrgDomain, "scope": scope, "name": name,
		"iss": s.URL, "principal_type": p.Kind, "iat": now.Unix(), "exp": now.Add(s.cfg.accessTTL).Unix(), "sid": sid,
	}
}

func (s *Server) signClaims(claims map[string]any) (string, error) {
	key, err := s.keys.get()
	if err != nil {
		return "", err
	}
	return signJWT(key, claims)
}

func (s *Server) idToken(app *App, p principal, nonce, accessToken string) (string, error) {
	key, err := s.keys.get()
	if err != nil {
		return "", err
	}
	now := s.now()
	claims := map[string]any{
		"iss": s.URL, "sub": p.ID, "aud": app.ClientID, "azp": app.ClientID, "iat": now.Unix(),
		"exp": now.Add(s.cfg.accessTTL).Unix(), "auth_time": now.Unix(), "at_hash": atHash(accessToken),
		"name": p.Name, "preferred_username": p.Username,
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	return signJWT(key, claims)
}
