package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// tokenRequest builds a request to the token endpoint (or another endpoint
// that authenticates the client the same way: device authorization,
// introspection, revocation), with the client authentication this run uses.
//
// The person's custom parameters go last, so they are seen to replace any
// authplay set: the token parameters on every request to the token
// endpoint, the authorization parameters on the device authorization
// request (which starts the device flow's authorization, RFC 8628 §3.1).
// Introspection and revocation get none: they are about a token, not for one.
func (b *base) tokenRequest(purpose Purpose, endpoint string, form url.Values) Request {
	req := newFormRequest(purpose, b.st.Params.viaMTLS(endpoint), form)
	b.authenticate(&req)
	switch purpose {
	case PurposeToken, PurposeRefresh, PurposePoll:
		req.Overrides = b.st.Params.TokenParams.applyTo(req.Form)
	case PurposeDevice:
		req.Overrides = b.st.Params.AuthParams.applyTo(req.Form)
	}
	return req
}

// authenticate adds the client's proof of identity (RFC 6749 §2.3): an
// HTTP Basic header, the secret in the body, or, for a public client, its
// client_id alone.
func (b *base) authenticate(r *Request) {
	p := b.st.Params
	switch b.authStyle() {
	case AuthBasic:
		r.Header.Set("Authorization", basicAuth(p.ClientID, b.creds.ClientSecret))
	case AuthBody:
		r.Form.Set("client_id", p.ClientID)
		r.Form.Set("client_secret", b.creds.ClientSecret.Reveal())
	case AuthNone, AuthTLSClient, AuthSelfSignedTLS:
		// With a certificate, the TLS handshake proves who the client
		// is; the body names which client it claims to be (RFC 8705 §2).
		r.Form.Set("client_id", p.ClientID)
	case AuthPrivateKeyJWT, AuthClientSecretJWT:
		b.addClientAssertion(r)
	}
}

// send sends a step's request, or the person's edit of it, finished at
// send time (finishers: a fresh DPoP proof), and records the exchange. A
// finisher may ask for one more sending after seeing the answer; both
// exchanges are recorded. The outcome is read from the recorder.
func (b *base) send(ctx context.Context, env Env, in Input, req Request) (*wire.Recorder, error) {
	edited := in.Request != nil
	if edited {
		req = *in.Request
	}
	if err := b.finish(env, &req, edited); err != nil {
		_, empty := wire.Record(nil, false)
		return empty, err
	}
	b.sent = append(b.sent, req)
	c, rec, cert, err := env.recordFor(b.st.Params)
	if err != nil {
		_, empty := wire.Record(nil, false)
		return empty, err
	}
	if cert.Thumbprint != "" {
		b.st.TLSThumbprint = cert.Thumbprint
	}
	for sendings := 1; ; sendings++ {
		sent, err := b.finishAll(env, req)
		if err != nil {
			return rec, err
		}
		hr, err := sent.httpRequest(ctx)
		if err != nil {
			return rec, err
		}
		resp, err := c.Do(hr)
		if err != nil {
			return rec, err
		}
		again := b.again(sent, resp)
		resp.Body.Close()
		if !again || sendings == 2 {
			return rec, nil
		}
	}
}

// finish completes a request at send time, after a person's edit: each
// finisher makes what must be fresh for every request sent (a client
// assertion's jti and times), so an edited request still goes out valid.
// It is the one place to add such a thing.
func (b *base) finish(env Env, req *Request, edited bool) error {
	for _, f := range []func(Env, *Request, bool) error{b.freshClientAssertion} {
		if err := f(env, req, edited); err != nil {
			return err
		}
	}
	return nil
}

// sendForToken sends a request whose answer is a token response.
func (b *base) sendForToken(ctx context.Context, env Env, in Input, req Request) (Token, []wire.Exchange, error) {
	rec, err := b.send(ctx, env, in, req)
	tok, err := tokenResult(rec, err, env.now())
	if err == nil {
		b.checkBinding(&tok)
	}
	return tok, rec.Exchanges(), b.dpopRefusal(err, rec.Exchanges(), false)
}

// tokenResult reads the token endpoint's answer from the recorded response,
// so the raw response is kept whole and every server's quirks are judged by
// one parser.
func tokenResult(rec *wire.Recorder, callErr error, now time.Time) (Token, error) {
	ct, body, err := outcome(rec, callErr)
	if err != nil {
		return Token{}, err
	}
	tok, err := ParseTokenResponse(ct, body, now)
	return tok, answered(rec, err)
}

// outcome reads a request's recorded answer: its content type and raw
// body, or the error it stands for (the transport's, or an RFC 6749 §5.2
// error for a status of 300 and up).
func outcome(rec *wire.Recorder, callErr error) (contentType string, body []byte, err error) {
	status, contentType, body, err := rec.Outcome(callErr)
	if err != nil {
		return "", nil, err
	}
	if status >= 300 {
		return contentType, body, answered(rec, errorFromResponse(status, contentType, body))
	}
	return contentType, body, nil
}

// errorFromResponse reads an RFC 6749 §5.2 error body, or says what came instead.
func errorFromResponse(status int, contentType string, body []byte) error {
	fields, err := decodeFields(contentType, body)
	if err != nil {
		var ae *AnswerError
		if errors.As(err, &ae) {
			return ae.atStatus(status)
		}
		return fmt.Errorf("HTTP %d, and %w", status, err)
	}
	code, _ := fields["error"].(string)
	if code == "" {
		return &AnswerError{Status: status, Body: BodyNoCode,
			msg: fmt.Sprintf("HTTP %d without an OAuth error code; body: %s", status, termsafe.Line(wire.Head(string(body), 200)))}
	}
	desc, _ := fields["error_description"].(string)
	uri, _ := fields["error_uri"].(string)
	return serverError(code, desc, uri, status)
}

func requireURL(name, v string) error {
	if v == "" {
		return settingMissing("the provider has no %s; set it in the profile (or use discovery)", name)
	}
	if _, err := ValidateURL(name, v); err != nil {
		return &settingError{msg: err.Error()}
	}
	return nil
}

func scopeOr(s string) string {
	if s == "" {
		return "(none: the server's default)"
	}
	return s
}
