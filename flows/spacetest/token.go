package spacetest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	maxBody            = 1 << 20
	deviceGrantType    = "urn:ietf:params:oauth:grant-type:device_code"
	principalUser      = "USER"
	principalService   = "SERVICE"
	slowDownIncrement  = 5 * time.Second
	basicRealmResponse = `Basic realm="Space"`
)

type codeGrant struct {
	ClientID, UserID, RedirectURI, Scope string
	Challenge, ChallengeMethod           string
	AccessType, Nonce                    string
	Expires                              time.Time
	Used                                 bool
	Sid                                  string // tokens minted from this code, revoked on reuse
	DPoPJKT                              string // the key a DPoP proof must use at the exchange (RFC 9449 §10)
}

type deviceGrant struct {
	DeviceCode, UserCode, ClientID, Scope string
	Expires, LastPoll                     time.Time
	Interval                              time.Duration
	Status                                string // pending, approved, denied
	UserID                                string
}

// oauthError is an RFC 6749 §5.2 error response.
type oauthError struct {
	status      int
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	basic       bool   // answer 401 with WWW-Authenticate, RFC 6749 §5.2 invalid_client
	dpopNonce   string // a DPoP-Nonce header to send (RFC 9449 §8)
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func badRequest(code, desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: code, Description: desc}
}

func invalidClient(desc string, basic bool) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, Code: "invalid_client", Description: desc, basic: basic}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away; nothing to do
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", basicRealmResponse)
	}
	if e.dpopNonce != "" {
		w.Header().Set("DPoP-Nonce", e.dpopNonce)
	}
	writeJSON(w, e.status, e)
}

// readForm reads a form body of at most 1 MiB. Query parameters are not
// merged in: RFC 6749 §3.2 wants the token request in the body.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, badRequest("invalid_request", "the body must be application/x-www-form-urlencoded (got "+orNone(ct)+")")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, badRequest("invalid_request", "the request body is larger than 1 MiB")
		}
		return nil, badRequest("invalid_request", "the body is not a valid form: "+err.Error())
	}
	return r.PostForm, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// authenticateClient runs before any other parameter is looked at, as Space
// does: an unknown client learns nothing about the rest of its request.
// clientauth.go adds the extensions' mechanisms.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*App, *oauthError) {
	c, oerr := s.authenticate(r, form)
	return c.app, oerr
}

// authenticateBySecret is Space's client authentication: HTTP Basic, the
// secret in the body, or a public client's client_id alone. It returns the
// token_endpoint_auth_method that was used.
func (s *Server) authenticateBySecret(r *http.Request, form url.Values) (*App, string, *oauthError) {
	basicID, basicSecret, hasBasic, err := parseBasic(r.Header.Get("Authorization"))
	if err != nil {
		return nil, "", invalidClient(err.Error(), true)
	}
	bodyID, bodySecret := form.Get("client_id"), form.Get("client_secret")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case hasBasic:
		if (bodyID != "" && bodyID != basicID) || (bodySecret != "" && bodySecret != basicSecret) {
			return nil, "", badRequest("invalid_request", "the request uses more than one authentication mechanism, and they name different credentials")
		}
		app := s.apps[basicID]
		if app == nil || app.ClientSecret == "" || !secretEqual(app.ClientSecret, basicSecret) {
			return nil, "", invalidClient("the application is unknown or its client secret is wrong", true)
		}
		return app, AuthClientSecretBasic, nil
	case bodyID != "" && bodySecret != "":
		app := s.apps[bodyID]
		if app == nil || app.ClientSecret == "" || !secretEqual(app.ClientSecret, bodySecret) {
			return nil, "", invalidClient("the application is unknown or its client secret is wrong", false)
		}
		return app, AuthClientSecretPost, nil
	case bodyID != "":
		app := s.apps[bodyID]
		if app == nil {
			return nil, "", invalidClient("the application is unknown", false)
		}
		if !app.PublicClients {
			return nil, "", invalidClient("no client secret was sent, and the application does not allow public clients", false)
		}
		return app, AuthNone, nil
	default:
		return nil, "", invalidClient("no application authentication was included (send HTTP Basic client_id:client_secret)", true)
	}
}

func secretEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// parseBasic decodes RFC 6749 §2.3.1 client credentials: base64 of
// urlencoded(id) ":" urlencoded(secret).
func parseBasic(h string) (id, secret string, ok bool, err error) {
	if h == "" {
		return "", "", false, nil
	}
	req := http.Request{Header: http.Header{"Authorization": {h}}}
	id, secret, ok = req.BasicAuth()
	if !ok {
		return "", "", false, errors.New("the Authorization header is not valid HTTP Basic")
	}
	if u, err := url.QueryUnescape(id); err == nil {
		id = u
	}
	if u, err := url.QueryUnescape(secret); err == nil {
		secret = u
	}
	return id, secret, true, nil
}

func duplicateParam(form url.Values) string {
	for k, v := range form {
		if len(v) > 1 {
			return k
		}
	}
	return ""
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	resp, oerr := s.token(r, w)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// token authenticates the client, checks a DPoP proof or client
// certificate the tokens will be bound to, and runs the grant.
func (s *Server) token(r *http.Request, w http.ResponseWriter) (map[string]any, *oauthError) {
	form, oerr := readForm(w, r)
	if oerr != nil {
		return nil, oerr
	}
	c, oerr := s.authenticate(r, form)
	if oerr != nil {
		return nil, oerr
	}
	if d := duplicateParam(form); d != "" {
		return nil, badRequest("invalid_request", "parameter "+d+" appears more than once")
	}
	bind, oerr := s.tokenBinding(r, c)
	if oerr != nil {
		return nil, oerr
	}
	return s.grant(c.app, c.public(), form, bind)
}

func (s *Server) grant(app *App, public bool, form url.Values, bind binding) (map[string]any, *oauthError) {
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
		return s.grantClientCredentials(app, public, form, bind)
	case "authorization_code":
		return s.grantAuthorizationCode(app, public, form, bind)
	case "password":
		return s.grantPassword(app, form, bind)
	case "refresh_token":
		return s.grantRefresh(app, public, form, bind)
	case deviceGrantType:
		return s.grantDevice(app, form, bind)
	case GrantTypeTokenExchange:
		return s.grantTokenExchange(app, form, bind)
	case GrantTypeJWTBearer:
		return s.grantJWTBearer(app, form, bind)
	case "":
		return nil, badRequest("invalid_request", "grant_type is missing")
	default:
		return nil, badRequest("unsupported_grant_type", "the grant type "+quote(gt)+" is not supported")
	}
}
