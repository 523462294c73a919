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
		step.WhatHappened = "authplay sent the client ID and secret to the token endpoint with grant_type=client_credentials, and the server refused."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	step.WhatHappened = "authplay proved the application's identity with its client ID and secret (" + authStyleWords(m.authStyle()) +
		") and asked for scope " + scopeOr(p.Scope) + ". The server answered with an access token that acts for the application itself: no user took part, so it can do only what the application's own rights allow. [RFC 6749 §4.4]"
	step.WhatNext = "Inspect the token, call an API with it, or copy it. There is no refresh token in this flow: when it expires, ask again the same way."
	return step, nil
}

func authStyleWords(a AuthStyle) string {
	switch a {
	case AuthBody:
		return "in the request body"
	case AuthNone:
		return "client ID only, as a public client"
	}
	return "in an HTTP Basic Authorization header"
}
