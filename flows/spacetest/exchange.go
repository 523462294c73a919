package spacetest

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Token exchange (RFC 8693): a client trades a token it holds (the subject
// token, and optionally an actor token naming who acts) for a new token of
// the same user, for another audience, no wider in scope. With an actor
// token the new token says so in an act claim (delegation); without one it
// simply acts as the subject (impersonation).

// Grant and token type URIs (RFC 8693 §3, RFC 7523 §2.1).
const (
	GrantTypeTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	GrantTypeJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	TokenTypeAccessToken   = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken  = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken       = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeJWT           = "urn:ietf:params:oauth:token-type:jwt"
)

// exchangedToken is what a subject or actor token stands for.
type exchangedToken struct {
	who     principal
	scope   string // "" for an ID token, which carries identity, not rights
	expires time.Time
	sid     string
	act     map[string]any
}

func (s *Server) grantTokenExchange(app *App, form url.Values, bind binding) (map[string]any, *oauthError) {
	if !app.TokenExchange {
		return nil, badRequest("unauthorized_client", "token exchange is not enabled for "+app.ClientID+" ("+DemoClientID+" has it)")
	}
	subjectToken, subjectType := form.Get("subject_token"), form.Get("subject_token_type")
	actorToken, actorType := form.Get("actor_token"), form.Get("actor_token_type")
	switch {
	case subjectToken == "":
		return nil, badRequest("invalid_request", "subject_token is missing: send the token to exchange")
	case subjectType == "":
		return nil, badRequest("invalid_request", "subject_token_type is missing; for example "+TokenTypeAccessToken)
	case actorToken != "" && actorType == "":
		return nil, badRequest("invalid_request", "actor_token_type is missing; it is required with actor_token (RFC 8693 §2.1)")
	case actorToken == "" && actorType != "":
		return nil, badRequest("invalid_request", "actor_token_type was sent without actor_token (RFC 8693 §2.1)")
	}
	issuedType, oerr := issuedTokenType(form.Get("requested_token_type"))
	if oerr != nil {
		return nil, oerr
	}
	subject, oerr := s.readExchanged(app, "subject", subjectToken, subjectType)
	if oerr != nil {
		return nil, oerr
	}
	act := subject.act
	if actorToken != "" {
		actor, oerr := s.readExchanged(app, "actor", actorToken, actorType)
		if oerr != nil {
			return nil, oerr
		}
		act = map[string]any{"sub": actor.who.ID}
		if actor.who.Kind == principalService {
			act["client_id"] = actor.who.ID
		}
		if subject.act != nil {
			act["act"] = subject.act // earlier actors nest inside (RFC 8693 §4.1)
		}
	}
	aud, oerr := s.exchangeAudience(app, form.Get("audience"), form.Get("resource"))
	if oerr != nil {
		return nil, oerr
	}
	scope, oerr := exchangeScope(app, subject, form.Get("scope"))
	if oerr != nil {
		return nil, oerr
	}
	return s.mintExchanged(app, subject, scope, aud, act, issuedType, bind)
}

func issuedTokenType(requested string) (string, *oauthError) {
	switch requested {
	case "", TokenTypeAccessToken:
		return TokenTypeAccessToken, nil
	case TokenTypeJWT:
		return TokenTypeJWT, nil
	}
	return "", badRequest("invalid_request", "requested_token_type "+quote(requested)+" cannot be issued here; ask for "+TokenTypeAccessToken+" or "+TokenTypeJWT)
}

// readExchanged checks a subject or actor token: it must be a live token
// this server issued, and not bound to a key, for nothing in a token
// exchange proves possession of that key.
func (s *Server) readExchanged(app *App, role, tok, typ string) (*exchangedToken, *oauthError) {
	switch typ {
	case TokenTypeAccessToken:
		return s.exchangedAccess(role, tok)
	case TokenTypeIDToken:
		return s.exchangedIDToken(app, role, tok)
	case TokenTypeJWT:
		if x, oerr := s.exchangedAccess(role, tok); oerr == nil {
			return x, nil
		}
		return s.exchangedIDToken(app, role, tok)
	case TokenTypeRefreshToken:
		return nil, badRequest("unsupported_token_type", "a refresh token cannot be the "+role+" token here: it stays with the client it was issued to; exchange an access token ("+TokenTypeAccessToken+")")
	}
	return nil, badRequest("unsupported_token_type", role+"_token_type "+quote(typ)+" is not supported; this server exchanges its own access tokens ("+TokenTypeAccessToken+"), ID tokens ("+TokenTypeIDToken+") and JWTs ("+TokenTypeJWT+")")
}

func (s *Server) exchangedAccess(role, tok string) (*exchangedToken, *oauthError) {
	info, err := s.bearer(tok)
	if err != nil {
		return nil, badRequest("invalid_grant", "the "+role+" token is not an active access token of this server: "+err.Error())
	}
	if info.JKT != "" || info.X5T != "" {
		return nil, badRequest("invalid_grant", "the "+role+" token is bound to a key (cnf), and a token exchange cannot prove possession of that key; exchange an unbound token")
	}
	who, oerr := s.principalOf(role, info.Kind, info.Subject)
	if oerr != nil {
		return nil, oerr
	}
	return &exchangedToken{who: who, scope: info.Scope, expires: info.Expires, sid: info.Sid, act: info.Act}, nil
}

// exchangedIDToken checks an ID token of this server issued to the
// exchanging client: only that client may trade the user's sign-in for
// an access token.
func (s *Server) exchangedIDToken(app *App, role, tok string) (*exchangedToken, *oauthError) {
	invalid := func(why string) (*exchangedToken, *oauthError) {
		return nil, badRequest("invalid_grant", "the "+role+" token is not a valid ID token of this server: "+why)
	}
	key, err := s.keys.get()
	if err != nil {
		return nil, &oauthError{status: 503, Code: "temporarily_unavailable", Description: err.Error()}
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS512})
	if err != nil {
		return invalid("it is not an RS512 JWT")
	}
	payload, err := jws.Verify(&key.PublicKey)
	if err != nil {
		return invalid("its signature does not verify with this server's key")
	}
	var c struct {
		Iss, Sub, Aud, Nonce string
		Exp                  int64
		Scope                *string
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return invalid("its claims have the wrong types")
	}
	exp := time.Unix(c.Exp, 0)
	switch {
	case c.Scope != nil:
		return invalid("it is an access token; send it with subject_token_type " + TokenTypeAccessToken)
	case c.Iss != s.URL:
		return invalid("its iss is " + quote(c.Iss))
	case !s.now().Before(exp):
		return invalid("it expired at " + clock(exp))
	case c.Aud != app.ClientID:
		return invalid("it was issued to " + quote(c.Aud) + ", and only the client it was issued to may exchange it")
	}
	who, oerr := s.principalOf(role, principalUser, c.Sub)
	if oerr != nil {
		return nil, oerr
	}
	return &exchangedToken{who: who, expires: exp}, nil
}

func (s *Server) principalOf(role, kind, id string) (principal, *oauthError) {
	if kind == principalService {
		s.mu.Lock()
		defer s.mu.Unlock()
		if a := s.apps[id]; a != nil {
			return principal{Kind: principalService, ID: a.ClientID, Name: a.Name}, nil
		}
		return principal{}, badRequest("invalid_grant", "the application the "+role+" token acts for no longer exists")
	}
	u := s.userByID(id)
	if u == nil {
		return principal{}, badRequest("invalid_grant", "the user of the "+role+" token no longer exists")
	}
	return userPrincipal(u), nil
}

// exchangeAudience is the new token's aud: a client of this server or the
// server itself (audience), or a URL this server serves (resource, RFC
// 8707); by default the exchanging client.
func (s *Server) exchangeAudience(app *App, audience, resource string) ([]string, *oauthError) {
	var aud []string
	if audience != "" {
		s.mu.Lock()
		known := s.apps[audience] != nil
		s.mu.Unlock()
		if !known && audience != s.URL {
			return nil, badRequest("invalid_target", "audience "+quote(audience)+" is neither a client of this server nor its issuer "+s.URL)
		}
		aud = append(aud, audience)
	}
	if resource != "" {
		u, err := url.Parse(resource)
		switch {
		case err != nil || !u.IsAbs():
			return nil, badRequest("invalid_target", "resource must be an absolute URI (RFC 8707 §2)")
		case u.Fragment != "" || strings.Contains(resource, "#"):
			return nil, badRequest("invalid_target", "resource must not have a fragment (RFC 8707 §2)")
		case resource != s.URL && !strings.HasPrefix(resource, s.URL+"/"):
			return nil, badRequest("invalid_target", "resource "+quote(resource)+" is not served by this server (its resources are under "+s.URL+"/)")
		}
		aud = append(aud, resource)
	}
	if len(aud) == 0 {
		aud = []string{app.ClientID}
	}
	return aud, nil
}

// exchangeScope is the new token's scope: what was asked for, never wider
// than the subject token's, and within the exchanging client's rights.
func exchangeScope(app *App, subject *exchangedToken, requested string) (string, *oauthError) {
	requested = strings.TrimSpace(requested)
	if requested == "" && subject.scope == "" {
		return "", badRequest("invalid_scope", "an ID token carries no rights, so name the scope the new token needs")
	}
	if requested == "" {
		requested = subject.scope
	}
	if subject.scope != "" {
		for _, el := range strings.Fields(requested) {
			if !scopeGrants(subject.scope, strings.TrimPrefix(el, globalScopePrefix)) && !slices.Contains(strings.Fields(subject.scope), el) {
				return "", badRequest("invalid_scope", "scope "+quote(el)+" is wider than the subject token's scope ("+subject.scope+")")
			}
		}
	}
	if p := app.scopeProblem(requested); p != "" {
		return "", badRequest("invalid_scope", p)
	}
	return effectiveScope(app, requested), nil
}

func (s *Server) mintExchanged(app *App, subject *exchangedToken, scope string, aud []string, act map[string]any, issuedType string, bind binding) (map[string]any, *oauthError) {
	sid := subject.sid // revoking the subject's grant ends the exchanged token too
	if sid == "" {
		sid = randomID(8)
	}
	now := s.now()
	exp := now.Add(s.cfg.accessTTL)
	if !subject.expires.IsZero() && subject.expires.Before(exp) {
		exp = subject.expires // never outlive the token it came from
	}
	claims := s.accessClaims(app, subject.who, scope, sid)
	claims["name"] = subject.who.Name
	if subject.who.Kind == principalUser {
		claims["name"] = subject.who.Username
	}
	claims["aud"] = aud[0]
	if len(aud) > 1 {
		claims["aud"] = aud
	}
	claims["client_id"] = app.ClientID
	claims["exp"] = exp.Unix()
	if act != nil {
		claims["act"] = act
	}
	bind.addTo(claims)
	at, err := s.signClaims(claims)
	if err != nil {
		return nil, &oauthError{status: 503, Code: "temporarily_unavailable", Description: err.Error()}
	}
	return map[string]any{
		"access_token": at, "issued_token_type": issuedType, "token_type": bind.tokenType(),
		"expires_in": int64(exp.Sub(now) / time.Second), "scope": scope,
	}, nil
}
