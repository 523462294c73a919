package spacetest

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// The JWT-bearer grant (RFC 7523 §2.1, RFC 7521 §4.1): a client trades a
// JWT that an issuer it trusts signed about a user (sub) for an access
// token acting for that user, with no browser and no password. demo-app
// trusts the issuer demo-app with the published demo key, so a newcomer
// can sign such an assertion with `authplay demo-server --print-client-key`.

func (s *Server) grantJWTBearer(app *App, form url.Values, bind binding) (map[string]any, *oauthError) {
	if len(app.AssertionIssuers) == 0 {
		return nil, badRequest("unauthorized_client", "the JWT-bearer grant is not enabled for "+app.ClientID+" ("+DemoClientID+" has it)")
	}
	assertion := form.Get("assertion")
	if assertion == "" {
		return nil, badRequest("invalid_request", "assertion is missing: send the signed JWT to trade")
	}
	invalid := func(format string, a ...any) (map[string]any, *oauthError) {
		return nil, badRequest("invalid_grant", fmt.Sprintf(format, a...))
	}
	h, err := readHeader(assertion)
	if err != nil {
		return invalid("the assertion %s", err)
	}
	if !typAllowed(h.Typ, "JWT") {
		return invalid("the assertion has typ %q; a JWT typed for another purpose cannot be a grant", h.Typ)
	}
	var claimed claimSet
	if err := readClaims(assertion, &claimed); err != nil {
		return invalid("the assertion %s", err)
	}
	keys, trusted := app.AssertionIssuers[claimed.Iss]
	if !trusted {
		return invalid("the assertion's iss %q is not an issuer %s trusts (it trusts %s, with the key `authplay demo-server --print-client-key` prints)", claimed.Iss, app.ClientID, strings.Join(issuerNames(app), ", "))
	}
	if strings.HasPrefix(h.Alg, "HS") {
		return invalid("the assertion is signed with %s, a shared secret; it must be signed with the issuer's private key, since a secret the client holds would let it sign for any user", h.Alg)
	}
	payload, err := verifySignature(assertion, h, keyOwner{name: "issuer " + claimed.Iss, jwks: keys})
	if err != nil {
		return invalid("the assertion %s", err)
	}
	var c claimSet
	var none struct{}
	if err := unmarshalBoth(payload, &c, &none); err != nil {
		return invalid("the assertion %s", err)
	}
	if !audienceIncludes(c.Aud, s.grantAudiences()) {
		return invalid("the assertion's aud is %s; it must name the token endpoint %s or the issuer %s (RFC 7523 §3)", showAud(c.Aud), s.URL+pathToken, s.URL)
	}
	if err := checkTimes(c, s.now(), maxAssertionTTL); err != nil {
		return invalid("the assertion %s", err)
	}
	if c.Sub == "" {
		return invalid("the assertion has no sub; sub names the user the token will act for (for example %s)", DemoUsername)
	}
	u := s.userNamed(c.Sub)
	if u == nil {
		return invalid("the assertion's sub %q is not a user of this organization (try %s)", c.Sub, DemoUsername)
	}
	if c.Jti == "" {
		return invalid("the assertion has no jti; each assertion needs a unique jti so that a copy cannot be replayed")
	}
	switch s.remember(s.ext.assertions, "grant|"+c.Iss+"|"+c.Jti) {
	case replaySeen:
		return invalid("the assertion's jti was already used; an assertion is good for one token request: sign a new one with a fresh jti")
	case replayFull:
		return nil, replayStoreFull("grant assertion")
	}
	scope := requestedScope(form)
	if p := app.scopeProblem(scope); p != "" {
		return nil, badRequest("invalid_scope", p)
	}
	return s.tokenResponse(app, userPrincipal(u), scope, tokenExtras{bind: bind})
}

// grantAudiences are what a grant assertion's aud may name: the issuer or
// the token endpoint, on either port.
func (s *Server) grantAudiences() []string {
	out := []string{s.URL, s.URL + pathToken}
	if u := s.MTLSURL(); u != "" {
		out = append(out, u+pathToken)
	}
	return out
}

func issuerNames(app *App) []string { return slices.Sorted(maps.Keys(app.AssertionIssuers)) }

// userNamed finds a user by username or by ID.
func (s *Server) userNamed(name string) *User {
	s.mu.Lock()
	u := s.users[name]
	s.mu.Unlock()
	if u != nil {
		return u
	}
	return s.userByID(name)
}
