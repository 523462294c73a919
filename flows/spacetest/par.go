package spacetest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Pushed authorization requests (RFC 9126): the client posts the
// authorization parameters to /oauth/par, authenticated as at the token
// endpoint, and sends the browser with only client_id and the request_uri
// it got back, so nothing of the request can be read or changed in the
// front channel.

// RequestURIPrefix starts every request_uri /oauth/par hands out (RFC 9126 §2.2).
const RequestURIPrefix = "urn:ietf:params:oauth:request_uri:"

type pushedRequest struct {
	clientID string
	params   url.Values
	used     bool // single use; kept until it expires, to say so
}

// requestSource is how an authorization request's parameters arrived.
type requestSource int

const (
	viaQuery requestSource = iota
	viaRequestObject
	viaPushed
)

// authorize turns the query of /oauth/auth into a validated request: it
// resolves a request_uri or a request object first, then checks the
// parameters as Space does, then the extensions' rules.
func (s *Server) authorize(q url.Values) (*pendingAuth, *authFailure) {
	params, via, f := s.resolveRequest(q)
	if f != nil {
		return nil, f
	}
	p, f := s.validateAuthorization(params)
	if f != nil {
		return nil, f
	}
	if f := s.checkExtensions(p, params, via); f != nil {
		return nil, f
	}
	return p, nil
}

// resolveRequest finds the parameters of a pushed or signed request. Its
// failures are pages, never redirects: until the request is resolved, its
// redirect_uri is not known to be the client's.
func (s *Server) resolveRequest(q url.Values) (url.Values, requestSource, *authFailure) {
	page := func(code, desc string) (url.Values, requestSource, *authFailure) {
		return nil, viaQuery, &authFailure{page: true, code: code, desc: desc}
	}
	for _, k := range []string{"client_id", "request", "request_uri"} {
		if len(q[k]) > 1 {
			return page("invalid_request", "parameter "+k+" appears more than once")
		}
	}
	switch {
	case q.Has("request") && q.Has("request_uri"):
		return page("invalid_request", "the request carries both request and request_uri; send one of them")
	case q.Has("request_uri"):
		return s.takePushed(q)
	case q.Has("request"):
		params, err := s.requestObjectParams(q.Get("client_id"), q.Get("request"))
		if err != nil {
			return page("invalid_request_object", err.Error())
		}
		return params, viaRequestObject, nil
	}
	return q, viaQuery, nil
}

// takePushed redeems a request_uri, once. Other query parameters are
// ignored: only what was pushed counts (RFC 9126 §4).
func (s *Server) takePushed(q url.Values) (url.Values, requestSource, *authFailure) {
	page := func(code, desc string) (url.Values, requestSource, *authFailure) {
		return nil, viaQuery, &authFailure{page: true, code: code, desc: desc}
	}
	uri, clientID := q.Get("request_uri"), q.Get("client_id")
	if clientID == "" {
		return page("invalid_request", "client_id is missing; send it beside request_uri (RFC 9126 §4)")
	}
	if !strings.HasPrefix(uri, RequestURIPrefix) {
		return page("invalid_request_uri", "request_uri "+quote(uri)+" was not issued by this server's PAR endpoint ("+s.URL+pathPAR+"); this server does not fetch request objects from URLs")
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	pr, ok := s.ext.pushed.get(uri)
	switch {
	case !ok:
		return page("invalid_request_uri", "the request_uri is unknown or has expired (a pushed request lives "+pushedTTL.String()+"); push the authorization request again")
	case pr.clientID != clientID:
		return page("invalid_request_uri", "the request_uri was pushed by another client than "+quote(clientID))
	case pr.used:
		return page("invalid_request_uri", "the request_uri was already used: a pushed request is good for one authorization (RFC 9126 §4); push the request again")
	}
	pr.used = true
	params := url.Values{}
	for k, v := range pr.params {
		params[k] = append([]string(nil), v...)
	}
	return params, viaPushed, nil
}

var jktPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`) })

// checkExtensions applies the extensions' rules to a request Space's rules
// accepted; its redirect URI is trusted by now, so failures redirect.
func (s *Server) checkExtensions(p *pendingAuth, params url.Values, via requestSource) *authFailure {
	fail := func(code, desc string) *authFailure {
		return &authFailure{code: code, desc: desc, redirectURL: p.errorRedirect(code, desc)}
	}
	app := p.App
	if via != viaPushed && (s.ext.cfg.parRequired || app.RequirePAR) {
		return fail("invalid_request", app.ClientID+" requires pushed authorization requests: POST the parameters to "+s.URL+pathPAR+" first, then send only client_id and request_uri here (RFC 9126 §5)")
	}
	if jkt := params.Get("dpop_jkt"); jkt != "" {
		if !jktPattern().MatchString(jkt) {
			return fail("invalid_request", "dpop_jkt must be the base64url SHA-256 thumbprint of a DPoP key (43 characters; RFC 9449 §10)")
		}
		p.DPoPJKT = jkt
	}
	if p.ResponseType == "token" && (s.ext.cfg.dpopRequired || app.RequireDPoP) {
		return fail("unauthorized_client", app.ClientID+" requires DPoP-bound tokens, and the implicit flow hands the token to the browser, where no proof can bind it; use the code flow")
	}
	return nil
}

// clientAuthParams are the form parameters that authenticate a client at
// the PAR endpoint rather than describe the authorization request.
var clientAuthParams = map[string]bool{"client_secret": true, "client_assertion": true, "client_assertion_type": true}

func (s *Server) handlePAR(w http.ResponseWriter, r *http.Request) {
	resp, oerr := s.pushAuthorization(w, r)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	writeJSON(w, http.StatusCreated, resp)
}

func (s *Server) pushAuthorization(w http.ResponseWriter, r *http.Request) (map[string]any, *oauthError) {
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
	if form.Has("request_uri") {
		return nil, badRequest("invalid_request", "request_uri cannot be pushed: push the authorization parameters themselves, or a request object in request (RFC 9126 §2.1)")
	}
	params, oerr := s.pushedParams(c.app, form)
	if oerr != nil {
		return nil, oerr
	}
	proof, perr := s.verifyProof(r, proofRequest{nonceRequired: s.nonceRequired(c.app), nonceScope: nonceAtServer})
	if perr != nil {
		return nil, perr.oauth()
	}
	if proof != nil {
		// A proof at PAR binds the code to its key (RFC 9449 §10.1).
		if jkt := params.Get("dpop_jkt"); jkt != "" && jkt != proof.jkt {
			return nil, badRequest("invalid_dpop_proof", "dpop_jkt names another key than the one that signed the DPoP proof; send one or make them agree")
		}
		params.Set("dpop_jkt", proof.jkt)
	}
	p, f := s.validateAuthorization(params)
	if f == nil {
		f = s.checkExtensions(p, params, viaPushed)
	}
	if f != nil {
		return nil, badRequest(f.code, f.desc)
	}
	uri := RequestURIPrefix + randomID(24)
	s.ext.mu.Lock()
	s.ext.pushed.put(uri, &pushedRequest{clientID: c.app.ClientID, params: params})
	s.ext.mu.Unlock()
	return map[string]any{"request_uri": uri, "expires_in": int64(pushedTTL / time.Second)}, nil
}

// pushedParams are the authorization parameters of a push: the claims of a
// request object, or else the form without the client's credentials.
func (s *Server) pushedParams(app *App, form url.Values) (url.Values, *oauthError) {
	params := url.Values{}
	if form.Has("request") {
		for k := range form {
			if k != "request" && k != "client_id" && !clientAuthParams[k] {
				return nil, badRequest("invalid_request", "with a request object, every authorization parameter belongs inside it; "+k+" was sent beside it (RFC 9126 §3)")
			}
		}
		obj, err := s.requestObjectParams(app.ClientID, form.Get("request"))
		if err != nil {
			return nil, badRequest("invalid_request_object", err.Error())
		}
		params = obj
	} else {
		for k, v := range form {
			if !clientAuthParams[k] {
				params[k] = v
			}
		}
	}
	if id := params.Get("client_id"); id != "" && id != app.ClientID {
		return nil, badRequest("invalid_request", "the pushed request names client_id "+quote(id)+", but the client authenticated as "+quote(app.ClientID))
	}
	params.Set("client_id", app.ClientID)
	return params, nil
}
