package flows

import (
	"context"
	"errors"
	"net/url"
)

// password: Ready -> Authorized (-> refresh) | Failed. Not recommended
// (RFC 6749 §4.3; the Security BCP forbids it).
type password struct{ base }

func (m *password) Next(ctx context.Context, env Env, in Input) (Step, error) {
	switch {
	case m.st.Phase == PhaseReady:
		return m.request(ctx, env)
	case m.st.Phase == PhaseAuthorized && in.Action == ActionRefresh:
		return m.refresh(ctx, env)
	}
	return Step{}, errors.New("the flow is finished; start a new one")
}

func (m *password) request(ctx context.Context, env Env) (Step, error) {
	step := Step{Name: "token_request", Caption: "Send the user's username and password to the token endpoint", At: env.now()}
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	if p.Username == "" || m.creds.Password == "" {
		return m.fail(step, errors.New("the username and the password are both needed"), p.Provider.TokenURL)
	}
	form := url.Values{"grant_type": {"password"}, "username": {p.Username}, "password": {m.creds.Password.Reveal()}}
	if p.Scope != "" {
		form.Set("scope", p.Scope)
	}
	if p.AccessType != "" {
		form.Set("access_type", p.AccessType)
	}
	c, rec := env.record()
	tok, err := tokenResult(rec, m.postForm(ctx, c, p.Provider.TokenURL, form), env.now())
	step.Exchanges = rec.Exchanges()
	step.Notes = []string{"Not recommended: " + Password.Info().Warning}
	if err != nil {
		step.WhatHappened = "authplay sent the user's credentials with grant_type=password, and the server refused."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(tok)
	step.OK = true
	step.Notes = append(step.Notes, tok.Notes...)
	step.WhatHappened = "authplay sent " + p.Username + "'s username and password, with the application's own credentials, and the server issued a token that acts for " + p.Username + ". The application saw the password in plain text: that is the flaw of this flow. [RFC 6749 §4.3]"
	step.WhatNext = "Inspect the token. Prefer Authorization Code for anything real."
	return step, nil
}
