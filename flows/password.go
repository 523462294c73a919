package flows

import (
	"context"
	"net/url"
)

// password: Ready -> Authorized (-> refresh) | Failed. Not recommended
// (RFC 6749 §4.3; the Security BCP forbids it).
type password struct{ *base }

func (m *password) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady {
		return Request{}, false, nil
	}
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, false, err
	}
	if p.Username == "" || m.creds.Password == "" {
		return Request{}, false, settingMissing("the username and the password are both needed")
	}
	form := url.Values{"grant_type": {"password"}, "username": {p.Username}, "password": {m.creds.Password.Reveal()}}
	if p.Scope != "" {
		form.Set("scope", p.Scope)
	}
	if v := p.spaceParams().Get("access_type"); v != "" { // Space and the built-in server only
		form.Set("access_type", v)
	}
	return m.tokenRequest(PurposeToken, p.Provider.TokenURL, form), true, nil
}

func (m *password) next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady {
		return Step{}, ErrFinished
	}
	step := Step{Name: "token_request", Caption: "Send the user's username and password to the token endpoint", At: env.now()}
	p := m.st.Params
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	tok, exchanges, err := m.sendForToken(ctx, env, in, req)
	step.Exchanges = exchanges
	step.Notes = []string{"Not recommended: " + Password.Info().Warning}
	if err != nil {
		step.WhatHappened = "authplay sent the user's credentials with grant_type=password, and the server refused."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = append(step.Notes, tok.Notes...)
	step.WhatHappened = "authplay sent " + p.Username + "'s username and password, with the application's own credentials, and the server issued a token that acts for " + p.Username + ". The application saw the password in plain text: that is the flaw of this flow. [RFC 6749 §4.3]"
	step.WhatNext = "Inspect the token. Prefer Authorization Code for anything real."
	return step, nil
}
