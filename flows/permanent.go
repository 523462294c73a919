package flows

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// ownerFrom reads who the API says the token belongs to: a Space profile
// (username), an application (clientId) or an OIDC userinfo (preferred_username).
func ownerFrom(body string) string {
	var v struct {
		Username          string `json:"username"`
		PreferredUsername string `json:"preferred_username"`
		ClientID          string `json:"clientId"`
		Name              any    `json:"name"`
	}
	if json.Unmarshal([]byte(body), &v) != nil {
		return ""
	}
	switch {
	case v.Username != "":
		return "user " + v.Username
	case v.PreferredUsername != "":
		return "user " + v.PreferredUsername
	case v.ClientID != "":
		if n, ok := v.Name.(string); ok && n != "" {
			return "the application " + n
		}
		return "the application " + v.ClientID
	}
	return ""
}

// permanentToken: Ready -> Authorized | Failed. Bring a token (a Space
// personal or application permanent token, or any bearer token); authplay
// inspects it and proves it with one API call.
type permanentToken struct{ *base }

func (m *permanentToken) brought() Secret {
	tok := strings.TrimSpace(m.st.Seed.Reveal())
	return Secret(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(tok, "Bearer "), "bearer ")))
}

func (m *permanentToken) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady {
		return Request{}, false, nil
	}
	p := m.st.Params.Provider
	req, err := apiRequest(p, m.brought(), DefaultTestCall(p, PermanentToken))
	presentToken(&req, m.brought(), "")
	return req, err == nil, err
}

func (m *permanentToken) next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady {
		return Step{}, ErrFinished
	}
	step := Step{Name: "test_call", Caption: "Try the token against the API", At: env.now()}
	tok := m.brought()
	if tok == "" {
		return m.fail(step, settingMissing("paste the token first"), "")
	}
	if err := checkTokenChars("token", tok.Reveal()); err != nil {
		// The pasted token is the person's input: what to do is to paste
		// it again, as the issuer gave it.
		return m.fail(step, &settingError{msg: err.Error(), fix: "Paste the token again, copied from where it was issued: a token is printable ASCII only, so a character such as an accented letter, a curly quote or a line break came in with the paste."}, "")
	}
	p := m.st.Params.Provider
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, "")
	}
	if in.Request != nil {
		req = *in.Request
	}
	resp, err := m.callRequest(ctx, env, req)
	step.Exchanges = []wire.Exchange{resp.Exchange}
	if err != nil {
		return m.fail(step, err, req.URL)
	}
	// An application token cannot read a user's profile; that is a fact
	// about the token, not a failure, so ask the application endpoint instead.
	if resp.Status == 403 && (p.Kind == KindSpace || p.Builtin) {
		if again, err := apiRequest(p, tok, DefaultTestCall(p, ClientCredentials)); err == nil {
			presentToken(&again, tok, "")
			if r2, err2 := m.callRequest(ctx, env, again); err2 == nil {
				resp, req = r2, again
				step.Exchanges = append(step.Exchanges, r2.Exchange)
			}
		}
	}
	if resp.Status >= 400 {
		err := error(resp.Error)
		if resp.Error == nil {
			err = apiRefused(resp.Status)
		}
		step.WhatHappened = "authplay called " + req.URL + " with the token, and the API refused it."
		return m.fail(step, m.dpopRefusal(err, step.Exchanges, true), req.URL)
	}
	m.authorized(&Token{AccessToken: tok, TokenType: broughtType(tok), ObtainedAt: env.now()})
	m.st.Owner = termsafe.Line(ownerFrom(resp.Body))
	if j, err := jwtcheck.Decode(tok.Reveal()); err == nil {
		if exp, ok := j.Time("exp"); ok {
			m.st.Token.Expiry = exp
		}
	}
	step.OK = true
	step.WhatHappened = "authplay sent the token as Authorization: " + schemeSent(step.Exchanges) + " to " + req.URL + " and the API accepted it (HTTP " + strconv.Itoa(resp.Status) + "). A permanent token works until someone revokes it: keep it like a password, and prefer OAuth flows for anything that runs unattended. [RFC 6750 §2.1]"
	step.WhatNext = "Inspect the token or call other APIs with it."
	return step, nil
}
