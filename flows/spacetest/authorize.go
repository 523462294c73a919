package spacetest

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const sessionCookie = "spacetest_session"

// pendingAuth is an authorization request that passed validation and waits
// for the user to sign in and accept.
type pendingAuth struct {
	ID, CSRF                         string
	App                              *App
	ResponseType, RedirectURI, State string
	Scope, AccessType, Nonce         string
	Challenge, ChallengeMethod       string
	RequestCredentials               string
	DPoPJKT                          string // the DPoP key the code is bound to (RFC 9449 §10)
}

// authFailure is how an authorization request fails: on an error page when
// the redirect URI cannot be trusted (RFC 6749 §4.1.2.1), otherwise by
// redirecting back with error parameters.
type authFailure struct {
	page        bool
	code, desc  string
	redirectURL string
}

var pkceChallenge = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`) })

// validateAuthorization checks an authorization request in the order Space
// documents: client, redirect URI, then everything that can be reported back.
func (s *Server) validateAuthorization(q url.Values) (*pendingAuth, *authFailure) {
	s.mu.Lock()
	app := s.apps[q.Get("client_id")]
	s.mu.Unlock()
	switch {
	case q.Get("client_id") == "":
		return nil, &authFailure{page: true, code: "invalid_request", desc: "client_id is missing"}
	case app == nil:
		return nil, &authFailure{page: true, code: "invalid_request", desc: "no application with client_id " + quote(q.Get("client_id")) + " exists"}
	case q.Get("redirect_uri") == "":
		return nil, &authFailure{page: true, code: "unauthorized_client", desc: "redirect_uri is missing"}
	case !s.redirectAllowed(app, q.Get("redirect_uri")):
		return nil, &authFailure{page: true, code: "unauthorized_client", desc: "redirect_uri " + quote(q.Get("redirect_uri")) + " is not registered for " + app.Name}
	}
	p := &pendingAuth{
		ID: randomID(12), CSRF: randomID(12), App: app, ResponseType: q.Get("response_type"),
		RedirectURI: q.Get("redirect_uri"), State: q.Get("state"), Scope: requestedScopeQ(q),
		AccessType: q.Get("access_type"), Nonce: q.Get("nonce"), Challenge: q.Get("code_challenge"),
		ChallengeMethod: q.Get("code_challenge_method"), RequestCredentials: q.Get("request_credentials"),
	}
	fail := func(code, desc string) (*pendingAuth, *authFailure) {
		return nil, &authFailure{code: code, desc: desc, redirectURL: p.errorRedirect(code, desc)}
	}
	for k, v := range q {
		if len(v) > 1 {
			return fail("invalid_request", "parameter "+k+" appears more than once")
		}
	}
	switch p.ResponseType {
	case "code":
		if !app.CodeFlow {
			return fail("unauthorized_client", "the Authorization Code Flow is not enabled for this application")
		}
	case "token":
		if !app.Implicit {
			return fail("unauthorized_client", "the implicit flow is not enabled for this application (Space allows it only for applications created before it was deprecated)")
		}
	case "":
		return fail("unsupported_response_type", "response_type is missing")
	default:
		return fail("unsupported_response_type", "response_type "+quote(p.ResponseType)+" is not supported; use code")
	}
	if prob := app.scopeProblem(p.Scope); prob != "" {
		return fail("invalid_scope", prob)
	}
	if p.ResponseType == "code" {
		if p.ChallengeMethod == "" && p.Challenge != "" {
			p.ChallengeMethod = "plain" // RFC 7636 §4.3, and Space's documented default
		}
		switch {
		case p.ChallengeMethod != "" && p.ChallengeMethod != "plain" && p.ChallengeMethod != "S256":
			return fail("invalid_request", "code_challenge_method must be S256 or plain")
		case p.ChallengeMethod != "" && p.Challenge == "":
			return fail("invalid_request", "code_challenge_method was sent without code_challenge")
		case p.Challenge != "" && !pkceChallenge().MatchString(p.Challenge):
			return fail("invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
		case p.Challenge == "" && app.RequirePKCE:
			return fail("invalid_request", "this application requires PKCE: send code_challenge and code_challenge_method")
		}
	}
	switch p.AccessType {
	case "", "online", "offline":
	default:
		return fail("invalid_request", "access_type must be online or offline")
	}
	switch p.RequestCredentials {
	case "", "default", "required", "skip", "silent":
	default:
		return fail("invalid_request", "request_credentials must be default, required, skip or silent")
	}
	return p, nil
}

func requestedScopeQ(q url.Values) string {
	if sc := strings.TrimSpace(q.Get("scope")); sc != "" {
		return sc
	}
	return allRights
}

// respond builds the redirect back to the app: code in the query, or for the
// implicit flow the token in the fragment (RFC 6749 §4.2.2).
func (p *pendingAuth) respond(params url.Values) string {
	u, _ := url.Parse(p.RedirectURI) // validated against the registration already
	if p.State != "" {
		params.Set("state", p.State)
	}
	if p.ResponseType == "token" {
		u.Fragment = ""
		u.RawFragment = ""
		return u.String() + "#" + params.Encode()
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (p *pendingAuth) errorRedirect(code, desc string) string {
	return p.respond(url.Values{"error": {code}, "error_description": {desc}})
}

// complete turns an accepted request into the redirect that carries the code or token.
func (s *Server) complete(p *pendingAuth, u *User) (string, error) {
	if p.ResponseType == "token" {
		sid := randomID(8)
		scope := effectiveScope(p.App, p.Scope)
		at, err := s.accessToken(p.App, userPrincipal(u), scope, sid)
		if err != nil {
			return "", err
		}
		v := url.Values{"access_token": {at}, "token_type": {"Bearer"}, "expires_in": {strconv.FormatInt(int64(s.cfg.accessTTL/time.Second), 10)}}
		if scope != p.Scope {
			v.Set("scope", scope)
		}
		return p.respond(v), nil
	}
	code := "spc-" + randomID(16)
	s.mu.Lock()
	s.codes.put(code, &codeGrant{
		ClientID: p.App.ClientID, UserID: u.ID, RedirectURI: p.RedirectURI, Scope: p.Scope,
		Challenge: p.Challenge, ChallengeMethod: p.ChallengeMethod, AccessType: p.AccessType, Nonce: p.Nonce,
		Expires: s.now().Add(s.cfg.codeTTL), Sid: randomID(8), DPoPJKT: p.DPoPJKT,
	})
	s.mu.Unlock()
	return p.respond(url.Values{"code": {code}}), nil
}

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	p, f := s.authorize(r.URL.Query())
	if f != nil {
		if f.page {
			renderError(w, http.StatusBadRequest, f.code, f.desc)
			return
		}
		http.Redirect(w, r, f.redirectURL, http.StatusFound)
		return
	}
	s.mu.Lock()
	s.pending.put(p.ID, p)
	s.mu.Unlock()
	user := s.sessionUser(r)
	if p.RequestCredentials == "required" {
		clearSession(w)
		user = nil
	}
	if user == nil && p.RequestCredentials == "silent" {
		http.Redirect(w, r, p.errorRedirect("access_denied", "nobody is signed in, and request_credentials=silent forbids asking"), http.StatusFound)
		return
	}
	if user == nil {
		renderLogin(w, p, "")
		return
	}
	renderConsent(w, p, user)
}

func (s *Server) sessionUser(r *http.Request) *User {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	id, _ := s.sessions.get(c.Value)
	s.mu.Unlock()
	if id == "" {
		return nil
	}
	return s.userByID(id)
}

func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
}

// takePending finds the request a login or consent form belongs to and checks its CSRF token.
func (s *Server) takePending(r *http.Request) *pendingAuth {
	if err := r.ParseForm(); err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _ := s.pending.get(r.PostForm.Get("request"))
	if p == nil || !secretEqual(p.CSRF, r.PostForm.Get("csrf")) {
		return nil
	}
	return p
}

func (s *Server) signIn(w http.ResponseWriter, username, password string) *User {
	s.mu.Lock()
	u := s.users[username]
	s.mu.Unlock()
	if u == nil || !secretEqual(u.Password, password) {
		return nil
	}
	sid := randomID(16)
	s.mu.Lock()
	s.sessions.put(sid, u.ID)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return u
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	p := s.takePending(r)
	if p == nil {
		renderError(w, http.StatusBadRequest, "invalid_request", "this sign-in form is stale or was not issued by this server; start the authorization again")
		return
	}
	u := s.signIn(w, r.PostForm.Get("username"), r.PostForm.Get("password"))
	if u == nil {
		renderLogin(w, p, "That username and password do not match. The demo user is demo / demo.")
		return
	}
	renderConsent(w, p, u)
}

func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	p := s.takePending(r)
	user := s.sessionUser(r)
	if p == nil || user == nil {
		renderError(w, http.StatusBadRequest, "invalid_request", "this consent form is stale or you are not signed in; start the authorization again")
		return
	}
	s.mu.Lock()
	s.pending.delete(p.ID)
	s.mu.Unlock()
	if r.PostForm.Get("decision") != "accept" {
		http.Redirect(w, r, p.errorRedirect("access_denied", "the user pressed Cancel"), http.StatusFound)
		return
	}
	loc, err := s.complete(p, user)
	if err != nil {
		renderError(w, http.StatusServiceUnavailable, "temporarily_unavailable", err.Error())
		return
	}
	http.Redirect(w, r, loc, http.StatusFound)
}

// handleHeadlessApprove approves as a demo user without a browser: given an
// authorization URL it answers with the redirect the browser would have
// followed; given a device user code it approves that device.
func (s *Server) handleHeadlessApprove(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.headlessApprove {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "error_description": "headless approval is off; start the server with it on"})
		return
	}
	form, oerr := readForm(w, r)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	username := form.Get("username")
	if username == "" {
		username = DemoUsername
	}
	s.mu.Lock()
	u := s.users[username]
	s.mu.Unlock()
	if u == nil {
		writeOAuthError(w, badRequest("invalid_request", "no user "+quote(username)))
		return
	}
	deny := form.Get("decision") == "deny"
	if code := form.Get("user_code"); code != "" {
		if err := s.decideDevice(code, u, !deny); err != nil {
			writeOAuthError(w, badRequest("invalid_request", err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"approved": !deny})
		return
	}
	loc, err := s.ApproveAuthorization(form.Get("authorization_url"), username, !deny)
	var page *oauthError
	switch {
	case errors.As(err, &page): // the error the page would show, as it is
		writeOAuthError(w, badRequest(page.Code, page.Description))
		return
	case err != nil:
		writeOAuthError(w, badRequest("invalid_request", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"redirect_to": loc})
}

// ApproveAuthorization plays the browser for an authorization URL: it signs
// in as username, accepts (or cancels) the consent, and returns the URL the
// browser would be sent to. An error means there is no redirect at all.
func (s *Server) ApproveAuthorization(authURL, username string, accept bool) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	p, f := s.authorize(u.Query())
	if f != nil {
		if f.page {
			return "", &oauthError{Code: f.code, Description: f.desc}
		}
		return f.redirectURL, nil
	}
	s.mu.Lock()
	user := s.users[username]
	s.mu.Unlock()
	if user == nil {
		return "", errNoUser
	}
	if !accept {
		return p.errorRedirect("access_denied", "the user pressed Cancel"), nil
	}
	return s.complete(p, user)
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	apps := s.Apps()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	pageTmpl().ExecuteTemplate(w, "home", map[string]any{"URL": s.URL, "Apps": apps}) //nolint:errcheck
}
