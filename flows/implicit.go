package flows

import (
	"context"
	"net/url"

	"github.com/authplay/authplay/flows/loopback"
)

// implicit: Ready -> AwaitingRedirect -> Authorized | Failed. Deprecated
// (RFC 6749 §4.2; OAuth 2.0 Security BCP): taught so people recognise it.
type implicit struct{ *base }

func (m *implicit) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady {
		return Request{}, false, nil
	}
	req, err := m.authorizationRequest("token", m.st.Params.RedirectURI)
	return req, err == nil, err
}

func (m *implicit) next(ctx context.Context, env Env, in Input) (Step, error) {
	switch m.st.Phase {
	case PhaseReady:
		step, err := m.start(env, in, "token", loopback.Expect{Fragment: true})
		if err != nil {
			return step, err
		}
		p := m.st.Params
		step.Caption = "Send the browser to the server, asking for a token in the redirect"
		step.Notes = append(append([]string{"Deprecated: " + Implicit.Info().Warning}, p.Provider.Lint(Implicit, p.AuthStyle, p.Scope, PKCEOff)...), step.Notes...)
		step.WhatHappened = "authplay asked for response_type=token: the server will put the access token itself in the redirect, after the #. Browsers never send that part to a server, so authplay's listener serves a small page that passes it back. [RFC 6749 §4.2.1]"
		step.WhatNext = "Sign in and accept in the browser."
		return step, nil
	case PhaseAwaitingRedirect:
		step, r, err := m.waitRedirect(ctx, env, loopback.Expect{State: m.st.StateValue, Fragment: true})
		if err != nil {
			return step, err
		}
		return m.token(env, step, r)
	}
	return Step{}, ErrFinished
}

// token reads the token out of the fragment the relay page posted.
func (m *implicit) token(env Env, step Step, r loopback.Redirect) (Step, error) {
	v := url.Values{}
	for k, vs := range r.Params {
		if k != "state" {
			v[k] = vs
		}
	}
	tok, err := ParseTokenResponse("application/x-www-form-urlencoded", []byte(v.Encode()), env.now())
	if err != nil {
		return m.fail(step, err, m.st.RedirectURI)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = append(tok.Notes, "The token travelled in a URL: it may now sit in the browser's history. This is why the implicit flow is deprecated.")
	step.WhatHappened = "The browser came back with the access token in the URL fragment and the same state authplay sent. No code, no token request, no client authentication: the server could not know who received the token. [RFC 6749 §4.2.2]"
	step.WhatNext = "Inspect the token. There is never a refresh token in this flow."
	return step, nil
}
