package spacetest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// apiError is Space's HTTP API error body (space-oauth.md §2).
type apiError struct {
	status       int
	Code         string `json:"error"`
	Description  string `json:"error_description"`
	invalidToken bool   // a token was sent and is no good (RFC 6750 §3.1)
	challenge    string // a WWW-Authenticate of another scheme (DPoP, RFC 9449 §7.1)
	dpopNonce    string // a DPoP-Nonce header to send (RFC 9449 §9)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusUnauthorized {
		challenge := `Bearer realm="Space"`
		if e.invalidToken {
			// The body stays Space's; the challenge adds RFC 6750's code,
			// which generic clients look for. No description: it would
			// need quoting, and the body carries it.
			challenge += `, error="invalid_token"`
		}
		if e.challenge != "" {
			challenge = e.challenge
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	if e.dpopNonce != "" {
		w.Header().Set("DPoP-Nonce", e.dpopNonce)
	}
	writeJSON(w, e.status, e)
}

func authRequired(desc string) *apiError {
	return &apiError{status: http.StatusUnauthorized, Code: "authentication-required", Description: desc}
}

func invalidToken(desc string) *apiError {
	e := authRequired(desc)
	e.invalidToken = true
	return e
}

func permissionDenied(desc string) *apiError {
	return &apiError{status: http.StatusForbidden, Code: "permission-denied", Description: desc}
}

func userOnly() *apiError {
	return permissionDenied("this resource belongs to a user, and this token acts for the application itself; use a flow in which a user signs in (authorization code, device or password)")
}

// tokenInfo is what an access or permanent token stands for.
type tokenInfo struct {
	Kind, Subject, Username, ClientID, Scope, Sid string
	Expires                                       time.Time
	JKT, X5T                                      string         // what the token is bound to (binding.go)
	Act                                           map[string]any // who acts for the subject (token exchange)
}

// apiDenial is why the API refused a token, in Space's exact words (which
// are capitalised, unlike Go error strings, because clients match them).
type apiDenial string

func (d apiDenial) Error() string { return string(d) }

const (
	errExpired apiDenial = "Access token has expired"
	errRevoked apiDenial = "Refresh token associated with the access token is revoked"
	errBadJWT  apiDenial = "Access token is not valid"
)

// bearer checks a token: a permanent token by lookup, a JWT by signature,
// expiry and revocation.
func (s *Server) bearer(tok string) (*tokenInfo, error) {
	s.mu.Lock()
	if pt := s.permanent[tok]; pt != nil {
		s.mu.Unlock()
		if pt.UserID != "" {
			u := s.userByID(pt.UserID)
			if u == nil {
				return nil, errBadJWT
			}
			return &tokenInfo{Kind: principalUser, Subject: u.ID, Username: u.Username, Scope: pt.Scope}, nil
		}
		return &tokenInfo{Kind: principalService, Subject: pt.ClientID, ClientID: pt.ClientID, Scope: pt.Scope}, nil
	}
	s.mu.Unlock()
	key, err := s.keys.get()
	if err != nil {
		return nil, err
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS512})
	if err != nil {
		return nil, errBadJWT
	}
	payload, err := jws.Verify(&key.PublicKey)
	if err != nil {
		return nil, errBadJWT
	}
	var c struct {
		Sub, Scope, Name, Sid string
		Aud                   jwt.Audience // one client, or an exchanged token's audiences
		Kind                  string       `json:"principal_type"`
		Exp                   int64
		ClientID              string `json:"client_id"` // set when aud names someone else (token exchange)
		Cnf                   struct {
			JKT string `json:"jkt"`
			X5T string `json:"x5t#S256"`
		}
		Act map[string]any
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errBadJWT
	}
	info := &tokenInfo{Kind: c.Kind, Subject: c.Sub, ClientID: strings.Join(c.Aud, " "), Scope: c.Scope, Sid: c.Sid, Expires: time.Unix(c.Exp, 0),
		JKT: c.Cnf.JKT, X5T: c.Cnf.X5T, Act: c.Act}
	if c.ClientID != "" {
		info.ClientID = c.ClientID
	}
	if c.Kind == principalUser {
		info.Username = c.Name
	}
	if !s.now().Before(info.Expires) {
		return info, errExpired
	}
	revoked, err := s.grants.accessRevoked(c.Sid)
	if err != nil {
		s.notice("grant store: " + err.Error())
		return info, errors.New("the server could not read its revocations: " + err.Error())
	}
	if revoked {
		return info, errRevoked
	}
	return info, nil
}

func (s *Server) authenticateAPI(r *http.Request) (*tokenInfo, *apiError) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if ok && strings.EqualFold(scheme, "DPoP") && strings.TrimSpace(tok) != "" {
		return s.authenticateDPoP(r, strings.TrimSpace(tok))
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, authRequired("send Authorization: Bearer <access token>")
	}
	info, err := s.bearer(strings.TrimSpace(tok))
	if err != nil {
		return nil, invalidToken(err.Error())
	}
	if aerr := s.apiBindingProblem(r, info, false); aerr != nil {
		return nil, aerr
	}
	return info, nil
}

func (s *Server) requireUser(w http.ResponseWriter, r *http.Request, permission string) (*User, *tokenInfo, bool) {
	info, aerr := s.authenticateAPI(r)
	if aerr == nil && info.Kind != principalUser {
		aerr = userOnly()
	}
	if aerr == nil && !scopeGrants(info.Scope, permission) {
		aerr = permissionDenied("the token's scope does not include " + permission + " (scope: " + orNone(info.Scope) + ")")
	}
	if aerr != nil {
		writeAPIError(w, aerr)
		return nil, nil, false
	}
	u := s.userByID(info.Subject)
	if u == nil {
		writeAPIError(w, &apiError{status: http.StatusNotFound, Code: "not-found", Description: "the member no longer exists"})
		return nil, nil, false
	}
	return u, info, true
}

func (s *Server) handleProfileMe(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.requireUser(w, r, "Profile.View")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": u.ID, "username": u.Username,
		"name":   map[string]string{"firstName": u.FirstName, "lastName": u.LastName},
		"emails": []map[string]string{{"email": u.Email}},
	})
}

func (s *Server) handleAbsences(w http.ResponseWriter, r *http.Request) {
	info, aerr := s.authenticateAPI(r)
	if aerr == nil && !scopeGrants(info.Scope, "Profile.Absences.View") {
		aerr = permissionDenied("the token's scope does not include Profile.Absences.View (scope: " + orNone(info.Scope) + ")")
	}
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	day := s.now().UTC().Truncate(24 * time.Hour)
	writeJSON(w, http.StatusOK, map[string]any{
		"next": "1", "totalCount": 1,
		"data": []map[string]any{{
			"id": "abs-1", "member": map[string]string{"username": "alice"},
			"since": day.AddDate(0, 0, 3).Format("2006-01-02"), "till": day.AddDate(0, 0, 7).Format("2006-01-02"),
		}},
	})
}

func (s *Server) handleApplicationMe(w http.ResponseWriter, r *http.Request) {
	info, aerr := s.authenticateAPI(r)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	s.mu.Lock()
	app := s.apps[info.ClientID]
	s.mu.Unlock()
	if app == nil {
		writeAPIError(w, permissionDenied("this token is not tied to an application"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": "app-" + app.ClientID, "name": app.Name, "clientId": app.ClientID})
}

// handlePublicKeys serves the keys Space signs endpoint requests with. As in
// Space, the body is a JSON string whose content is the JWKS.
func (s *Server) handlePublicKeys(w http.ResponseWriter, r *http.Request) {
	if _, aerr := s.authenticateAPI(r); aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	ident := r.PathValue("app")
	s.mu.Lock()
	_, known := s.apps[strings.TrimPrefix(ident, "clientId:")]
	s.mu.Unlock()
	if ident != "me" && !known {
		writeAPIError(w, &apiError{status: http.StatusNotFound, Code: "not-found", Description: "no application " + ident})
		return
	}
	set, err := jwks(s.keys)
	if err != nil {
		writeAPIError(w, &apiError{status: http.StatusInternalServerError, Code: "internal-server-error", Description: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, string(set))
}

func (s *Server) handleRevokeOwnRefresh(w http.ResponseWriter, r *http.Request) {
	info, aerr := s.authenticateAPI(r)
	if aerr == nil && info.Kind != principalUser {
		aerr = userOnly()
	}
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	// The refresh tokens of the caller's grant go; the access token lives
	// out its time, as before this server had token families.
	err := s.grants.revokeFamilyRefresh(info.Sid)
	if err == nil {
		err = s.grants.dropOffline(info.Subject + "|" + info.ClientID)
	}
	if err != nil {
		s.notice("grant store: " + err.Error())
		writeAPIError(w, &apiError{status: http.StatusInternalServerError, Code: "internal-server-error", Description: "the server could not record the revocation: " + err.Error()})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	set, err := jwks(s.keys)
	if err != nil {
		writeAPIError(w, &apiError{status: http.StatusServiceUnavailable, Code: "internal-server-error", Description: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(set) //nolint:errcheck
}
