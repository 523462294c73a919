package flows

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
)

// JWT-secured authorization requests (RFC 9101): the authorization
// parameters as the claims of a JWT the client signs with its private key,
// sent as request= in the browser's URL or pushed (PAR). Nobody on the way
// can change a parameter without breaking the signature, and the server
// knows the request came from the client; only the object's parameters
// count (§6.3).

const (
	requestObjectHint = "on: the authorization request goes as a JWT signed with the private key, so nobody between can change a parameter " +
		"unnoticed; with Pushed request on it is pushed, else it rides in the URL as request= (RFC 9101)"
	requestObjectUsage = "send the authorization request as a request object signed with --private-key-file (JAR, RFC 9101): request= in the URL, or pushed with --par"
)

// requestObjectLife is how long a request object is good for: the browser
// is sent at once, but a person may copy the URL by hand.
const requestObjectLife = 10 * time.Minute

// signsRequest says whether this run signs its authorization request.
func (b *base) signsRequest() bool {
	return b.st.Method == AuthorizationCode && b.st.Params.RequestObject
}

// browserRequest is the URL the browser is sent to: the authorization
// request itself, or what stands for it off the URL (a request object, or
// after a push, the reference alone). load says whether the key file may
// be read now (a step, not a preview).
func (b *base) browserRequest(redirectURI string, now time.Time, load bool) (Request, error) {
	full, err := b.authorizationRequest(redirectURI)
	if err != nil || (!b.pushes() && !b.signsRequest()) {
		return full, err
	}
	req := full
	if b.st.Pushed != nil {
		req.URL, err = b.pushedURL()
		return req, err
	}
	if b.pushes() {
		return full, nil // not pushed yet: the push step comes first
	}
	form, err := b.authorizationForm(full, now, load)
	if err != nil {
		return Request{}, err
	}
	u, err := url.Parse(b.st.Params.Provider.AuthURL)
	if err != nil {
		return Request{}, err
	}
	q := u.Query()
	for k, v := range form {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	req.URL = u.String()
	return req, nil
}

// editedBrowserURL fits an authorization URL a person edited: a request
// object authplay made (with its own jti) is made again for the real
// redirect URI; one the person wrote is theirs, sent as it is.
func (b *base) editedBrowserURL(raw, redirect string, now time.Time) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	obj := q.Get("request")
	if obj == "" || !b.ownRequestObject(obj) {
		return raw
	}
	full, err := b.authorizationRequest(redirect)
	if err != nil {
		return raw
	}
	fresh, err := b.requestObject(mustQuery(full.URL), now, true)
	if err != nil {
		return raw
	}
	q.Set("request", fresh)
	u.RawQuery = q.Encode()
	return u.String()
}

// noteFrontChannel keeps the parameters the answer is judged by when the
// browser's URL does not show them: a request object's claims; after a
// push, what was pushed.
func (b *base) noteFrontChannel(browserURL string) {
	q := mustQuery(browserURL)
	switch {
	case q.Has("request"):
		if params, ok := requestObjectParams(q.Get("request")); ok {
			b.st.AuthParams = params.Encode()
		}
	case q.Has("request_uri") && b.st.Pushed != nil:
	default:
		b.st.AuthParams = ""
	}
}

// requestObject signs the authorization parameters as RFC 9101 §4 asks:
// every parameter a claim, iss the client, aud the server's issuer, a
// short life, typ oauth-authz-req+jwt (§10.8).
func (b *base) requestObject(params url.Values, now time.Time, load bool) (string, error) {
	p := b.st.Params
	claims := map[string]any{}
	for k, v := range params {
		if len(v) > 0 {
			claims[k] = v[0]
		}
	}
	claims["client_id"] = p.ClientID
	claims["iss"], claims["aud"] = p.ClientID, b.issuer()
	claims["jti"] = derivedID(b.st.Verifier, "request_object", 0)
	claims["iat"], claims["exp"] = now.Unix(), now.Add(requestObjectLife).Unix()
	if p.PrivateKeyFile == "" {
		return "", settingMissing("a request object is signed with the client's private key: give a private key file (authplay keygen makes one, and prints the public key to register)")
	}
	k, err := b.clientKey(load)
	if err != nil {
		return "", err
	}
	return k.sign("oauth-authz-req+jwt", claims)
}

// issuer is the server's issuer identifier, the audience of what the
// client signs for the server as a whole.
func (b *base) issuer() string {
	p := b.st.Params.Provider
	if p.Issuer != "" {
		return p.Issuer
	}
	if p.ServiceURL != "" {
		return p.ServiceURL
	}
	if u, err := url.Parse(p.AuthURL); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return p.AuthURL
}

// ownRequestObject says whether a request object is the one authplay made
// for this run (its jti), rather than one a person put in.
func (b *base) ownRequestObject(obj string) bool {
	j, err := jwtcheck.Decode(obj)
	return err == nil && j.Str("jti") == derivedID(b.st.Verifier, "request_object", 0)
}

// registeredClaims are the JWT's own claims, not authorization parameters.
var registeredClaims = map[string]bool{"iss": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true, "sub": true}

// requestObjectParams are a request object's authorization parameters.
func requestObjectParams(obj string) (url.Values, bool) {
	j, err := jwtcheck.Decode(obj)
	if err != nil {
		return nil, false
	}
	q := url.Values{}
	for k, v := range j.Claims {
		if s, ok := v.(string); ok && !registeredClaims[k] {
			q.Set(k, s)
		}
	}
	return q, true
}

// frontChannelWords begin the browser step's telling when the URL does
// not carry the request itself.
func (m *authorizationCode) frontChannelWords() string {
	q := mustQuery(m.st.AuthURL)
	switch {
	case q.Has("request_uri"):
		return "The browser's URL carries only client_id and the request_uri the push returned: the server looks the request up, and uses only what was pushed. [RFC 9126 §4]"
	case q.Has("request"):
		return "The browser's URL carries the authorization request as a request object: a JWT signed with the client's private key, which the server checks before it takes any parameter from it; one changed on the way breaks the signature. [RFC 9101 §5]"
	}
	return ""
}

// pushedTimeoutWords add, to a wait that ended without a redirect, what a
// server does with a pushed request it will not take.
func (b *base) pushedTimeoutWords() string {
	if b.st.Pushed == nil {
		return ""
	}
	return ". A server that refuses a request_uri (already used, expired, or another client's) shows its error in the browser and sends nothing back (RFC 9126 §4): a pushed request is good once and for a short time, so run the flow again to push a fresh one"
}

// decodeRequestObject tells a request object as a learner reads it.
func decodeRequestObject(obj string) []string {
	j, err := jwtcheck.Decode(obj)
	if err != nil {
		return []string{"The request parameter does not decode as a JWT (" + err.Error() + "): the server will refuse it."}
	}
	out := []string{"Request object (RFC 9101), decoded: the authorization request, signed by the client so no parameter can change unseen:",
		"  header  " + headerWords(j.Header)}
	var keys []string
	for k := range j.Claims {
		if !registeredClaims[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, fmt.Sprintf("  %s  %s", termsafe.Line(k), shownClaim(j, k)))
	}
	out = append(out, "  iss  "+shownClaim(j, "iss")+": who signed it, the client",
		"  aud  "+shownClaim(j, "aud")+": the server it is for, by its issuer identifier")
	if iat, ok := j.Time("iat"); ok {
		if exp, ok := j.Time("exp"); ok {
			out = append(out, "  exp  "+Human(exp.Sub(iat))+" after iat: the server refuses it later")
		}
	}
	return out
}

// requestURIWords tell what a request_uri in a URL stands for.
func requestURIWords(uri string) []string {
	return []string{"request_uri " + termsafe.Line(wireHead(uri)) + ": a one-time reference to the pushed request; the parameters stay with the server (RFC 9126 §4)"}
}

func wireHead(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// frontChannelDetails decode what an authorization URL or a push carries
// off the URL: a request object, or a reference to a pushed request.
func frontChannelDetails(r Request) []string {
	if r.Form != nil && r.Form.Get("request") != "" {
		return decodeRequestObject(r.Form.Get("request"))
	}
	if !r.Browser || !strings.Contains(r.URL, "request") {
		return nil
	}
	q := mustQuery(r.URL)
	switch {
	case q.Get("request") != "":
		return decodeRequestObject(q.Get("request"))
	case q.Get("request_uri") != "":
		return requestURIWords(q.Get("request_uri"))
	}
	return nil
}
