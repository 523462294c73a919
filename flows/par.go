package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Pushed authorization requests (RFC 9126): before the browser goes
// anywhere, the client POSTs the authorization parameters straight to the
// server, authenticated as at the token endpoint, and gets back a short-
// lived request_uri. The browser then carries only client_id and that
// reference, so nothing of the request (scope, redirect URI, PKCE
// challenge, state) can be read from its history, a proxy's log or a
// Referer header, or changed on the way; and the server has checked the
// request, and who sent it, before any user sees a page.

// PushedRequest is the reference a push returned (RFC 9126 §2.2).
type PushedRequest struct {
	RequestURI string    `json:"request_uri"`
	Expires    time.Time `json:"expires"`
}

// Switch fields are on or off: a choice in the form, a flag without a
// value on the command line (--par), "on" in a profile.
var switchChoices = []Choice{{"", "off"}, {"on", "on"}}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

const (
	parHint = "on: authplay first POSTs the authorization request to the server, authenticated, and the browser carries only a one-time " +
		"reference (request_uri): nothing of the request shows in its history or can be changed on the way (RFC 9126)"
	parUsage = "push the authorization request first (PAR, RFC 9126): the browser carries only client_id and a request_uri"
)

// Why says, for a request that is not plain to see from its URL, what it
// is for: what step mode shows above it.
func (r Request) Why() string {
	switch {
	case r.Purpose == PurposePAR:
		return "The push (PAR): the authorization request goes straight to the server, authenticated as the client; the browser will carry only a reference to it (RFC 9126 §2)."
	case r.Browser && mustQuery(r.URL).Has("request"):
		return "request= is the authorization request as a request object (JAR), signed with the client's private key: the server takes the parameters from it alone (RFC 9101 §5). The step shows it decoded."
	}
	return ""
}

// pushes says whether this run pushes its authorization request.
func (b *base) pushes() bool { return b.st.Method == AuthorizationCode && b.st.Params.PAR }

// pushRequest is the POST to the PAR endpoint: the authorization
// parameters (or the request object that holds them), with the client's
// authentication, as a token request carries it (RFC 9126 §2.1).
// load says whether the key file may be read now (the push itself, not a
// preview).
func (b *base) pushRequest(redirectURI string, load bool) (Request, error) {
	p := b.st.Params
	if err := requireURL("PAR endpoint (pushed_authorization_request_endpoint)", p.Provider.PARURL); err != nil {
		return Request{}, err
	}
	full, err := b.authorizationRequest(redirectURI)
	if err != nil {
		return Request{}, err
	}
	form, err := b.authorizationForm(full, time.Now(), load)
	if err != nil {
		return Request{}, err
	}
	req := b.tokenRequest(PurposePAR, p.Provider.PARURL, form)
	req.Overrides = full.Overrides
	return req, nil
}

// authorizationForm is what carries an authorization request's parameters
// off the browser's URL: the parameters themselves, or with a request
// object, that object alone.
func (b *base) authorizationForm(full Request, now time.Time, load bool) (url.Values, error) {
	u, err := url.Parse(full.URL)
	if err != nil {
		return nil, err
	}
	params := u.Query()
	if !b.signsRequest() {
		return params, nil
	}
	// Never an empty request object: a preview before the key is read
	// shows none, and the step reads the key or fails saying why.
	obj, err := b.requestObject(params, now, load)
	if err != nil {
		return nil, err
	}
	return url.Values{"client_id": {b.st.Params.ClientID}, "request": {obj}}, nil
}

// push is the PAR step. The loopback listener opens first, since the
// pushed redirect_uri must carry its real port; then the parameters go to
// the server, and the browser step that follows carries only the answer.
func (m *authorizationCode) push(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "pushed_authorization_request", Caption: "Push the authorization request to the server (PAR)", At: env.now()}
	p := m.st.Params
	m.prepareRandoms()
	if _, err := m.pushRequest(p.RedirectURI, true); err != nil {
		return m.fail(step, err, p.Provider.PARURL)
	}
	// The listener expects what the request asks for; only the port changes.
	draft, err := m.authorizationRequest(p.RedirectURI)
	if err != nil {
		return m.fail(step, err, p.Provider.AuthURL)
	}
	m.st.AuthParams = queryOf(draft.URL)
	redirect, err := env.Loopback.Prepare(p.RedirectURI, m.expect())
	if err != nil {
		m.st.AuthParams = ""
		return m.fail(step, err, p.RedirectURI)
	}
	m.st.RedirectURI = redirect
	req, err := m.pushRequest(redirect, true)
	if err != nil {
		env.Loopback.Close(redirect)
		return m.fail(step, err, p.Provider.PARURL)
	}
	if in.Request != nil {
		edited := m.editedPush(*in.Request, redirect, env.now())
		in.Request = &edited
	}
	rec, callErr := m.send(ctx, env, in, req)
	step.Exchanges = rec.Exchanges()
	ct, body, err := outcome(rec, callErr)
	var pushed *PushedRequest
	if err == nil {
		pushed, err = readPushed(ct, body, env.now())
	}
	if err != nil {
		env.Loopback.Close(redirect)
		step.WhatHappened = "authplay pushed the authorization parameters to the PAR endpoint, authenticated as the client, and the server refused them: nothing was shown to a user."
		return m.fail(step, err, p.Provider.PARURL)
	}
	m.st.Pushed = pushed
	if n := len(m.sent); n > 0 {
		m.st.AuthParams = m.pushedParams(m.sent[n-1].Form)
	}
	if _, err := env.Loopback.Prepare(redirect, m.expect()); err != nil { // what was pushed is what the answer is held to
		return m.fail(step, err, redirect)
	}
	step.OK = true
	what := "the authorization parameters (redirect URI, scope, state, PKCE challenge and the rest)"
	if m.signsRequest() {
		what = "the authorization request as a signed request object"
	}
	step.WhatHappened = "authplay POSTed " + what + " straight to the server's PAR endpoint, authenticated as the client, before any browser was involved. " +
		"The server checked them and who sent them, and answered with request_uri " + pushed.RequestURI + ", good until " + pushed.Expires.Local().Format("15:04:05") +
		" and for one authorization. The browser will carry only client_id and this reference: nothing of the request shows in its history, " +
		"a proxy's log or a Referer header, and nobody on the way can change it. [RFC 9126 §2]"
	step.WhatNext = "Send the browser to the authorization endpoint with only client_id and request_uri."
	return step, nil
}

// prepareRandoms makes the random values a session saved by an older
// authplay lacks, and drops the nonce when no ID token is asked for.
func (b *base) prepareRandoms() {
	if b.st.StateValue == "" { // a session saved by an authplay that made them here
		b.st.StateValue, b.st.Nonce, b.st.Verifier = randomToken(), randomToken(), Secret(oauth2.GenerateVerifier())
	}
	if !b.st.Params.wantsIDToken(b.st.Method) {
		b.st.Nonce = "" // none is sent, so none is expected back
	}
}

// editedPush fits a push a person edited to the listener: a redirect_uri
// still naming port 0 gets the real port, and a request object authplay
// made (still carrying its own jti) is made again around it.
func (m *authorizationCode) editedPush(req Request, redirect string, now time.Time) Request {
	form := url.Values{}
	for k, v := range req.Form {
		form[k] = append([]string(nil), v...)
	}
	if form.Get("redirect_uri") == m.st.Params.RedirectURI {
		form.Set("redirect_uri", redirect)
	}
	if obj := form.Get("request"); obj != "" && m.ownRequestObject(obj) {
		if full, err := m.authorizationRequest(redirect); err == nil {
			if fresh, err := m.requestObject(mustQuery(full.URL), now, true); err == nil {
				form.Set("request", fresh)
			}
		}
	}
	req.Form = form
	return req
}

// pushedParams are the authorization parameters a push carried: a request
// object's claims, or the form without the client's credentials.
func (b *base) pushedParams(form url.Values) string {
	if obj := form.Get("request"); obj != "" {
		if q, ok := requestObjectParams(obj); ok {
			return q.Encode()
		}
	}
	q := url.Values{}
	for k, v := range form {
		if !strings.HasPrefix(k, "client_assertion") && k != "client_secret" {
			q[k] = v
		}
	}
	return q.Encode()
}

// readPushed reads a PAR endpoint's answer (RFC 9126 §2.2): 201 with
// request_uri and expires_in.
func readPushed(contentType string, body []byte, now time.Time) (*PushedRequest, error) {
	fields, err := decodeFields(contentType, body)
	if err != nil {
		return nil, err
	}
	uri, _ := fields["request_uri"].(string)
	if uri == "" {
		return nil, fmt.Errorf("the PAR endpoint answered without a request_uri (RFC 9126 §2.2)")
	}
	// A reference the browser carries and the steps show: a URI is
	// printable ASCII, and one with anything else (a terminal escape) or
	// of unbounded length is refused rather than shown or sent.
	if len(uri) > 2048 {
		return nil, fmt.Errorf("the PAR endpoint's request_uri is %d bytes long; a reference this long is not one a browser should carry (RFC 9126 §2.2)", len(uri))
	}
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c <= 0x20 || c > 0x7e {
			return nil, fmt.Errorf("the PAR endpoint's request_uri holds a byte outside printable ASCII (0x%02x at position %d, in %s); a URI has none, so authplay will not show or send it", c, i, termsafe.Line(wire.Peek(uri)))
		}
	}
	life := 60 * time.Second
	switch v := fields["expires_in"].(type) {
	case float64:
		life = time.Duration(v) * time.Second
	case json.Number:
		if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			life = time.Duration(n) * time.Second
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			life = time.Duration(n) * time.Second
		}
	}
	return &PushedRequest{RequestURI: uri, Expires: now.Add(life)}, nil
}

// pushedURL is the browser's URL after a push: the authorization
// endpoint with client_id and request_uri alone (RFC 9126 §4).
func (b *base) pushedURL() (string, error) {
	p := b.st.Params
	u, err := url.Parse(p.Provider.AuthURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("client_id", p.ClientID)
	q.Set("request_uri", b.st.Pushed.RequestURI)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func queryOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.RawQuery
}

func mustQuery(raw string) url.Values {
	q, _ := url.ParseQuery(queryOf(raw))
	return q
}
