package flows

import (
	"context"
	"net/url"
	"strings"
)

// refreshFlow: Ready -> Authorized (-> refresh again) | Failed, from a
// refresh token kept earlier or pasted (RFC 6749 §6).
type refreshFlow struct{ *base }

func (m *refreshFlow) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Request{}, false, nil
	}
	req, err := m.refreshRequest()
	return req, err == nil, err
}

func (m *refreshFlow) next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Step{}, ErrFinished
	}
	return m.refresh(ctx, env, in)
}

// refreshToken is the refresh token in use: the one the last answer
// carried, or the one the person brought.
func (b *base) refreshToken() Secret {
	if b.st.Token != nil && b.st.Token.RefreshToken != "" {
		return b.st.Token.RefreshToken
	}
	return b.st.Seed
}

// refreshRequest trades the refresh token (RFC 6749 §6).
func (b *base) refreshRequest() (Request, error) {
	p := b.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, err
	}
	rt := b.refreshToken()
	if rt == "" {
		return Request{}, noRefreshToken(p.Provider.FamilyOf())
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt.Reveal()}}
	if p.Scope != "" {
		form.Set("scope", p.Scope)
	}
	return b.tokenRequest(PurposeRefresh, p.Provider.TokenURL, form), nil
}

// refresh trades the refresh token for a new access token. The refresh
// token is kept when the server sends none back (no rotation), as Space's
// SDKs do.
func (b *base) refresh(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "refresh", Caption: "Trade the refresh token for a new access token", At: env.now()}
	p := b.st.Params
	rt := b.refreshToken()
	req, err := b.refreshRequest()
	if err != nil {
		return b.fail(step, err, p.Provider.TokenURL)
	}
	tok, exchanges, err := b.sendForToken(ctx, env, in, req)
	step.Exchanges = exchanges
	if err != nil {
		step.WhatHappened = "authplay sent the refresh token, and the server refused it."
		return b.fail(step, err, p.Provider.TokenURL)
	}
	rotated := tok.RefreshToken != "" && tok.RefreshToken != rt
	if tok.RefreshToken == "" {
		tok.RefreshToken = rt
	}
	switch {
	case tok.IDToken == "" && b.st.Token != nil:
		tok.IDToken = b.st.Token.IDToken // the sign-in's, kept as it was
	case tok.IDToken != "":
		b.st.IDTokenRefreshed = true // judged by OIDC Core §12.2: its nonce may be absent
	}
	b.st.Rotated = &rotated
	b.st.Refreshes++
	b.st.Revoked = ""
	b.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	rot := "The server sent no new refresh token, so the old one stays in use (no rotation)."
	if rotated {
		rot = "The server rotated the refresh token: the old one is now spent, and only the new one works. Keep the new one."
	}
	step.WhatHappened = "authplay sent grant_type=refresh_token with the refresh token and the application's credentials. The server issued a new access token for the same user without asking them again. " + rot + " [RFC 6749 §6]"
	step.WhatNext = "Use the new access token; refresh again before it expires."
	return step, nil
}

// noRefreshToken is the error of a refresh with no refresh token to send.
func noRefreshToken(f Family) error {
	clause, habit := askForRefreshToken(f)
	if habit != "" {
		return settingMissing("there is no refresh token: get one with Authorization Code, or paste one (%s)", strings.TrimSuffix(habit, "."))
	}
	return settingMissing("there is no refresh token: get one with Authorization Code%s, or paste one", clause)
}
