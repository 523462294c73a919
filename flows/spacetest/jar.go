package spacetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// JWT-secured authorization requests (RFC 9101): the authorization
// parameters as the claims of a JWT the client signed, so that nobody
// between the client and this server can change them. Every registration
// may sign request objects with the published demo keys (its JWKS); a
// client whose secret is at least 32 bytes (demo-jwt-app) may also sign
// with HS256.

// requestObjectType is RFC 9101 §10.8's explicit type for request objects.
const requestObjectType = "oauth-authz-req+jwt"

// registeredOnly are claims of the JWT itself, not authorization parameters.
var registeredOnly = map[string]bool{"iss": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true, "sub": true}

// requestObjectParams verifies a request object sent by clientID and
// returns its claims as the authorization request's parameters. Only the
// request object's parameters count, never the query's (RFC 9101 §6.3).
// Errors are sentences about "the request object".
func (s *Server) requestObjectParams(clientID, object string) (url.Values, error) {
	if clientID == "" {
		return nil, errors.New("client_id is missing; send it beside the request object (RFC 9101 §5)")
	}
	s.mu.Lock()
	app := s.apps[clientID]
	s.mu.Unlock()
	if app == nil {
		return nil, errors.New("no application with client_id " + quote(clientID) + " exists")
	}
	h, err := readHeader(object)
	if err != nil {
		return nil, errors.New("the request object " + err.Error())
	}
	if !typAllowed(h.Typ, requestObjectType, "JWT") {
		return nil, fmt.Errorf("the request object has typ %q; use %s (RFC 9101 §10.8)", h.Typ, requestObjectType)
	}
	payload, err := verifySignature(object, h, keyOwner{name: app.ClientID, jwks: app.JWKS, secret: app.ClientSecret})
	if err != nil {
		return nil, errors.New("the request object " + err.Error())
	}
	var c claimSet
	var all map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errors.New("the request object's registered claims have the wrong types: " + err.Error())
	}
	if err := dec.Decode(&all); err != nil {
		return nil, errors.New("the request object's claims are not a JSON object")
	}
	switch {
	case c.Iss != clientID:
		return nil, fmt.Errorf("the request object's iss is %q; it must be the client_id %q", c.Iss, clientID)
	case !audienceIncludes(c.Aud, []string{s.URL}):
		return nil, fmt.Errorf("the request object's aud is %s; it must name this server's issuer %s (RFC 9101 §4)", showAud(c.Aud), s.URL)
	}
	if err := checkTimes(c, s.now(), maxRequestTTL); err != nil {
		return nil, errors.New("the request object " + err.Error())
	}
	switch id, _ := all["client_id"].(string); {
	case id == "":
		return nil, errors.New("the request object has no client_id claim; it must repeat the client_id (RFC 9101 §5)")
	case id != clientID:
		return nil, fmt.Errorf("the request object's client_id %q differs from the client_id parameter %q (RFC 9101 §6.3)", id, clientID)
	}
	params := url.Values{}
	for k, v := range all {
		switch {
		case registeredOnly[k]:
			continue
		case k == "request" || k == "request_uri":
			return nil, errors.New("the request object contains " + k + "; a request object cannot nest another")
		}
		switch t := v.(type) {
		case string:
			params.Set(k, t)
		case json.Number:
			params.Set(k, t.String())
		case bool:
			params.Set(k, strconv.FormatBool(t))
		case nil:
			continue
		default: // objects such as OIDC's claims parameter travel as JSON
			b, _ := json.Marshal(t)
			params.Set(k, string(b))
		}
	}
	return params, nil
}
