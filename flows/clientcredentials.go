package flows

import (
	"context"
	"net/url"
)

// clientCredentials: Ready -> Authorized | Failed. The application asks for
// a token for itself (RFC 6749 §4.4).
type clientCredentials struct{ *base }

func (m *clientCredentials) pending() (Request, bool, error) {
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, false, err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if p.Scope != "" {
		form.Set("scope", p.Scope)
	}
	return m.tokenRequest(PurposeToken, p.Provider.TokenURL, form), true, nil
}

func (m *clientCredentials) next(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "token_request", Caption: "Ask the token endpoint for an application token", At: env.now()}
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Step{}, ErrFinished
	}
	if m.st.Phase == PhaseAuthorized {
		step.Caption = "Ask again for a fresh application token"
	}
	p := m.st.Params
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	tok, exchanges, err := m.sendForToken(ctx, env, in, req)
	step.Exchanges = exchanges
	if err != nil {
		step.WhatHappened = "authplay asked the token endpoint for a token with grant_type=client_credentials, proving the application's identity " + authStyleWords(m.authStyle()) + ", and the server refused."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	step.WhatHappened = "authplay proved the application's identity " + authStyleWords(m.authStyle()) +
		" and asked for scope " + scopeOr(p.Scope) + ". The server answered with an access token that acts for the application itself: no user took part, so it can do only what the application's own rights allow. [RFC 6749 §4.4]"
	step.WhatNext = "Inspect the token, call an API with it, or copy it. There is no refresh token in this flow: when it expires, ask again the same way."
	return step, nil
}

// authStyleWords say how the client proved who it is.
func authStyleWords(a AuthStyle) string {
	switch a {
	case AuthBody:
		return "with its client ID and secret (in the request body)"
	case AuthNone:
		return "with its client ID only, as a public client"
	case AuthPrivateKeyJWT:
		return "with a client assertion: a JWT for this server alone, signed with the application's private key, so no secret went over the wire (RFC 7523 §2.2)"
	case AuthClientSecretJWT:
		return "with a client assertion: a JWT for this server alone, keyed with the client secret, which itself did not travel (RFC 7523 §2.2)"
	case AuthTLSClient:
		return "with its TLS client certificate, issued to it by a CA the server trusts: the handshake proved it holds the certificate's private key, and no secret went over the wire (RFC 8705 §2.1)"
	case AuthSelfSignedTLS:
		return "with its self-signed TLS client certificate, whose thumbprint the server registered: the handshake proved it holds the private key, and no secret went over the wire (RFC 8705 §2.2)"
	}
	return "with its client ID and secret (in an HTTP Basic Authorization header)"
}
