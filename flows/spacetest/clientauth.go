package spacetest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Client authentication beyond Space's secrets: a signed client assertion
// (RFC 7523 §2.2, RFC 7521 §4.2, OIDC Core §9: private_key_jwt and
// client_secret_jwt) and TLS client certificates (RFC 8705 §2). Every
// endpoint at which a client authenticates (token, PAR, device,
// introspection, revocation) comes through authenticate.

// ClientAssertionType is the only client_assertion_type this server takes.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// clientAuth is a client that proved who it is, and how.
type clientAuth struct {
	app    *App
	method string // a token_endpoint_auth_method value
}

func (c clientAuth) public() bool { return c.method == AuthNone }

// authenticate runs before any other parameter is looked at, as Space's
// secret check does. It picks the mechanism from what the request carries;
// a request that carries two is refused (RFC 6749 §2.3).
func (s *Server) authenticate(r *http.Request, form url.Values) (clientAuth, *oauthError) {
	if form.Has("client_assertion") || form.Has("client_assertion_type") {
		return s.authenticateByAssertion(r, form)
	}
	if app := s.certificateClient(r, form); app != nil {
		return s.authenticateByCertificate(r, app)
	}
	app, method, oerr := s.authenticateBySecret(r, form)
	if oerr != nil {
		return clientAuth{}, oerr
	}
	if !app.allows(method) {
		return clientAuth{}, invalidClient(methodRefused(app, method), method == AuthClientSecretBasic)
	}
	return clientAuth{app: app, method: method}, nil
}

// methodRefused explains a mechanism the client is not registered for.
func methodRefused(app *App, method string) string {
	msg := fmt.Sprintf("%s is not registered for %s; it authenticates with %s", app.ClientID, method, strings.Join(app.authMethods(), " or "))
	switch {
	case method == AuthClientSecretJWT && app.ClientSecret != "" && len(app.ClientSecret) < minHMACKey:
		msg += fmt.Sprintf(" (its %d-byte secret is too short to be an HS256 key: RFC 7518 §3.2 wants %d bytes; %s shows client_secret_jwt)", len(app.ClientSecret), minHMACKey, DemoJWTClientID)
	case method == AuthPrivateKeyJWT:
		msg += fmt.Sprintf(" (%s shows private_key_jwt)", DemoJWTClientID)
	case method == AuthClientSecretBasic || method == AuthClientSecretPost:
		if app.allows(AuthPrivateKeyJWT) || app.allows(AuthClientSecretJWT) {
			msg += ": its secret never travels, a signed client assertion proves it instead"
		}
	}
	return msg
}

// authenticateByAssertion checks a client assertion: a JWT the client
// signed with its registered key (private_key_jwt) or its secret
// (client_secret_jwt), with iss = sub = client_id, this server as aud, a
// short life and a jti never seen before.
func (s *Server) authenticateByAssertion(r *http.Request, form url.Values) (clientAuth, *oauthError) {
	fail := func(format string, a ...any) (clientAuth, *oauthError) {
		return clientAuth{}, invalidClient(fmt.Sprintf(format, a...), false)
	}
	if _, _, hasBasic, _ := parseBasic(r.Header.Get("Authorization")); hasBasic || form.Has("client_secret") {
		return clientAuth{}, badRequest("invalid_request", "the request authenticates twice, with a client assertion and with a client secret; send only one (RFC 6749 §2.3)")
	}
	typ, assertion := form.Get("client_assertion_type"), form.Get("client_assertion")
	switch {
	case typ == "":
		return clientAuth{}, badRequest("invalid_request", "client_assertion was sent without client_assertion_type; send client_assertion_type="+ClientAssertionType)
	case assertion == "":
		return clientAuth{}, badRequest("invalid_request", "client_assertion_type was sent without client_assertion")
	case typ != ClientAssertionType:
		return fail("client_assertion_type %q is not supported; this server accepts %s (RFC 7523 §2.2)", typ, ClientAssertionType)
	}
	h, err := readHeader(assertion)
	if err != nil {
		return fail("the client assertion %s", err)
	}
	if !typAllowed(h.Typ, "JWT") {
		return fail("the client assertion has typ %q; a JWT typed for another purpose cannot authenticate a client", h.Typ)
	}
	var claimed claimSet
	if err := readClaims(assertion, &claimed); err != nil {
		return fail("the client assertion %s", err)
	}
	clientID := claimed.Sub
	switch {
	case clientID == "":
		return fail("the client assertion has no sub; sub (and iss) must be the client_id")
	case form.Has("client_id") && form.Get("client_id") != clientID:
		return fail("client_id %q differs from the client assertion's sub %q; both must be the client_id", form.Get("client_id"), clientID)
	}
	s.mu.Lock()
	app := s.apps[clientID]
	s.mu.Unlock()
	if app == nil {
		return fail("the client assertion's sub names client %q, which is not registered", clientID)
	}
	method := AuthPrivateKeyJWT
	if h.Alg == "HS256" {
		method = AuthClientSecretJWT
	}
	if !unsigned(h.Alg) && !app.allows(method) {
		return fail("%s", methodRefused(app, method))
	}
	owner := keyOwner{name: app.ClientID, jwks: app.JWKS, secret: app.ClientSecret}
	payload, err := verifySignature(assertion, h, owner)
	if err != nil {
		return fail("the client assertion %s", err)
	}
	var c claimSet
	var extra struct {
		ResponseType *string `json:"response_type"`
	}
	if err := unmarshalBoth(payload, &c, &extra); err != nil {
		return fail("the client assertion %s", err)
	}
	accepted := s.audiences(r)
	switch {
	case c.Iss != clientID:
		return fail("the client assertion's iss is %q; iss and sub must both be the client_id %q (RFC 7523 §3)", c.Iss, clientID)
	case extra.ResponseType != nil:
		return fail("the client assertion carries response_type: it is a request object, not a client assertion")
	case !audienceIncludes(c.Aud, accepted):
		return fail("the client assertion's aud is %s; it must name the token endpoint %s or the issuer %s", showAud(c.Aud), s.URL+pathToken, s.URL)
	}
	if err := checkTimes(c, s.now(), maxAssertionTTL); err != nil {
		return fail("the client assertion %s", err)
	}
	if c.Jti == "" {
		return fail("the client assertion has no jti; each assertion needs a unique jti so that a copy cannot be replayed")
	}
	switch s.remember(s.ext.assertions, "client|"+clientID+"|"+c.Jti) {
	case replaySeen:
		return fail("the client assertion's jti was already used; sign a new assertion, with a fresh jti, for every request")
	case replayFull:
		return clientAuth{}, replayStoreFull("client assertion")
	}
	return clientAuth{app: app, method: method}, nil
}

// Paths of the endpoints that the extensions name.
const (
	pathToken = "/oauth/token"
	pathPAR   = "/oauth/par"
)

// audiences are the values a client or grant assertion's aud may name:
// the issuer or the token endpoint (RFC 7523 §3 allows either), on either
// port, and the endpoint the assertion was sent to (RFC 9126 §2 asks a PAR
// endpoint to accept its own URL).
func (s *Server) audiences(r *http.Request) []string {
	out := []string{s.URL, s.URL + pathToken, s.URL + r.URL.Path}
	if u := s.MTLSURL(); u != "" {
		out = append(out, u+pathToken, u+r.URL.Path)
	}
	return out
}

func showAud(aud []string) string {
	if len(aud) == 0 {
		return "missing"
	}
	return fmt.Sprintf("%q", []string(aud))
}
