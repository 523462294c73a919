package flows

import (
	"context"
	"errors"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/loopback"
)

// implicit: Ready -> AwaitingRedirect -> Authorized | Failed. Deprecated
// (RFC 6749 §4.2; OAuth 2.0 Security BCP): taught so people recognise it.
type implicit struct{ base }

func (m *implicit) Next(ctx context.Context, env Env, in Input) (Step, error) {
	switch m.st.Phase {
	case PhaseReady:
		return m.start(env)
	case PhaseAwaitingRedirect:
		return m.awaitRedirect(ctx, env, loopback.Expect{State: m.st.StateValue, Fragment: true})
	}
	return Step{}, errors.New("the flow is finished; start a new one")
}

func (m *implicit) start(env Env) (Step, error) {
	step := Step{Name: "authorization_request", Caption: "Send the browser to the server, asking for a token in the redirect", At: env.now()}
	p := m.st.Params
	if err := requireURL("authorization URL", p.Provider.AuthURL); err != nil {
		return m.fail(step, err, p.Provider.AuthURL)
	}
	m.st.StateValue = randomToken()
	if wantsOpenID(p.Scope) {
		m.st.Nonce = randomToken()
	}
	redirect, err := env.Loopback.Prepare(p.RedirectURI, loopback.Expect{State: m.st.StateValue, Fragment: true})
	if err != nil {
		return m.fail(step, err, p.RedirectURI)
	}
	m.st.RedirectURI = redirect
	opts := append([]oauth2.AuthCodeOption{oauth2.SetAuthURLParam("response_type", "token")}, spaceOptions(Params{RequestCredentials: p.RequestCredentials}, m.st.Nonce)...)
	m.st.AuthURL = m.oauth2Config().AuthCodeURL(m.st.StateValue, opts...)
	m.st.Phase = PhaseAwaitingRedirect
	step.OK = true
	step.Notes = append([]string{"Deprecated: " + Implicit.Info().Warning}, p.Provider.Lint(Implicit, p.AuthStyle, p.Scope, PKCEOff)...)
	step.WhatHappened = "authplay asked for response_type=token: the server will put the access token itself in the redirect, after the #. Browsers never send that part to a server, so authplay's listener serves a small page that passes it back. [RFC 6749 §4.2.1]"
	step.WhatNext = "Sign in and accept in the browser."
	openBrowser(env, m.st.AuthURL, &step)
	return step, nil
}

// implicitToken reads the token out of the fragment the relay page posted.
func (b *base) implicitToken(env Env, step Step, r loopback.Redirect) (Step, error) {
	env.Loopback.Close(b.st.RedirectURI)
	v := url.Values{}
	for k, vs := range r.Params {
		if k != "state" {
			v[k] = vs
		}
	}
	tok, err := ParseTokenResponse("application/x-www-form-urlencoded", []byte(v.Encode()), env.now())
	if err != nil {
		return b.fail(step, err, b.st.RedirectURI)
	}
	b.authorized(tok)
	step.OK = true
	step.Notes = append(tok.Notes, "The token travelled in a URL: it may now sit in the browser's history. This is why the implicit flow is deprecated.")
	step.WhatHappened = "The browser came back with the access token in the URL fragment and the same state authplay sent. No code, no token request, no client authentication: the server could not know who received the token. [RFC 6749 §4.2.2]"
	step.WhatNext = "Inspect the token. There is never a refresh token in this flow."
	return step, nil
}
