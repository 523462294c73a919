package flows

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/authplay/authplay/flows/loopback"
)

// implicit: Ready -> AwaitingRedirect -> Authorized | Failed. Deprecated
// (RFC 6749 §4.2; OAuth 2.0 Security BCP): taught so people recognise it.
// With OpenID Connect it asks for token, id_token or both (OIDC Core §3.2);
// each comes in the redirect, by default after the #.
type implicit struct{ *base }

func (m *implicit) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady {
		return Request{}, false, nil
	}
	req, err := m.authorizationRequest(m.st.Params.RedirectURI)
	return req, err == nil, err
}

func (m *implicit) next(ctx context.Context, env Env, in Input) (Step, error) {
	switch m.st.Phase {
	case PhaseReady:
		step, err := m.start(env, in)
		if err != nil {
			return step, err
		}
		p := m.st.Params
		rt := m.st.sentResponseType()
		step.Caption = "Send the browser to the server, asking for a token in the redirect"
		lint := append(p.Provider.Lint(Implicit, p.AuthStyle, p.Scope, PKCEOff), p.Provider.LintResponse(rt, m.st.sentParam("response_mode"))...)
		step.Notes = append(append([]string{Implicit.Info().Warning}, lint...), step.Notes...)
		step.WhatHappened = "authplay asked for response_type=" + rt + ": the server will put " + implicitWhat(rt) + " in the redirect itself. " +
			modeWords(m.expect()) + " [RFC 6749 §4.2.1 · OIDC Core §3.2.2.1]"
		step.WhatNext = "Sign in and accept in the browser."
		return step, nil
	case PhaseAwaitingRedirect:
		step, r, err := m.waitRedirect(ctx, env)
		if err != nil {
			return step, err
		}
		return m.token(env, step, r)
	}
	return Step{}, ErrFinished
}

func implicitWhat(rt string) string {
	switch {
	case asks(rt, "id_token") && asks(rt, "token"):
		return "an ID token and the access token"
	case asks(rt, "id_token"):
		return "an ID token (and no access token)"
	}
	return "the access token"
}

// modeWords says how the answer travels back to the listener.
func modeWords(exp loopback.Expect) string {
	switch {
	case exp.FormPost:
		return "With response_mode=form_post the server's page POSTs it to authplay's listener, so it never sits in a URL."
	case exp.Fragment:
		return "It comes after the #: browsers never send that part to a server, so authplay's listener serves a small page that passes it back."
	}
	return "It comes in the query of the redirect URI."
}

// token reads the token out of the answer (the relay page's post, the
// form_post, or a pasted URL). An ID token alone is a result too
// (response_type=id_token): there is then no access token.
func (m *implicit) token(env Env, step Step, r loopback.Redirect) (Step, error) {
	v := url.Values{}
	for k, vs := range r.Params {
		if k != "state" && k != "iss" {
			v[k] = vs
		}
	}
	rt := m.st.sentResponseType()
	var tok Token
	var err error
	if asks(rt, "token") || v.Has("access_token") {
		tok, err = ParseTokenResponse("application/x-www-form-urlencoded", []byte(v.Encode()), env.now())
	} else {
		tok, err = idTokenOnly(v, env)
	}
	if err == nil && asks(rt, "id_token") && tok.IDToken == "" {
		err = missingFromRedirect("id_token", rt)
	}
	if err != nil {
		return m.fail(step, err, m.st.RedirectURI)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = append(tok.Notes, "The token travelled in a URL or a page: it may now sit in the browser's history. This is why the implicit flow is deprecated.")
	step.WhatHappened = "The browser came back with " + implicitWhat(rt) + " and the same state authplay sent. No code, no token request, no client authentication: the server could not know who received it. [RFC 6749 §4.2.2 · OIDC Core §3.2.2.5]"
	if asks(rt, "id_token") {
		step.WhatHappened += " The ID token must carry the nonce authplay sent" + map[bool]string{true: " and the access token's hash (at_hash)", false: ""}[asks(rt, "token")] + ": the checks below say whether it does."
	}
	step.WhatNext = "Inspect the token. There is never a refresh token in this flow."
	return step, nil
}

// idTokenOnly is the result of response_type=id_token: an ID token and no
// access token (OIDC Core §3.2.2.5).
func idTokenOnly(v url.Values, env Env) (Token, error) {
	if e := v.Get("error"); e != "" {
		return Token{}, serverError(e, v.Get("error_description"), v.Get("error_uri"), 0)
	}
	idt := v.Get("id_token")
	if err := checkTokenChars("id_token", idt); err != nil {
		return Token{}, err
	}
	fields := map[string]string{}
	for k := range v {
		fields[k] = v.Get(k)
	}
	raw, _ := json.Marshal(fields)
	return Token{IDToken: Secret(idt), ObtainedAt: env.now(), Raw: raw}, nil
}
