package flows

import (
	"context"
	"encoding/json"
	"errors"
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
type permanentToken struct{ base }

func (m *permanentToken) Next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Step{}, errors.New("the flow is finished; start a new one")
	}
	step := Step{Name: "test_call", Caption: "Try the token against the API", At: env.now()}
	tok := strings.TrimSpace(m.st.Seed.Reveal())
	tok = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(tok, "Bearer "), "bearer "))
	if tok == "" {
		return m.fail(step, errors.New("paste the token first"), "")
	}
	p := m.st.Params.Provider
	call := DefaultTestCall(p, PermanentToken)
	resp, err := CallAPI(ctx, env, p, Secret(tok), call)
	step.Exchanges = []wire.Exchange{resp.Exchange}
	if err != nil {
		return m.fail(step, err, call.Path)
	}
	// An application token cannot read a user's profile; that is a fact
	// about the token, not a failure, so ask the application endpoint instead.
	if resp.Status == 403 && (p.Kind == KindSpace || p.Builtin) {
		call = DefaultTestCall(p, ClientCredentials)
		if r2, err2 := CallAPI(ctx, env, p, Secret(tok), call); err2 == nil {
			resp = r2
			step.Exchanges = append(step.Exchanges, r2.Exchange)
		}
	}
	if resp.Status >= 400 {
		err := error(resp.Error)
		if resp.Error == nil {
			err = errors.New("the API answered HTTP " + strconv.Itoa(resp.Status))
		}
		step.WhatHappened = "authplay called " + call.Path + " with the token, and the API refused it."
		return m.fail(step, err, call.Path)
	}
	m.authorized(Token{AccessToken: Secret(tok), TokenType: "Bearer", ObtainedAt: env.now()})
	m.st.Owner = termsafe.Line(ownerFrom(resp.Body))
	if j, err := jwtcheck.Decode(tok); err == nil {
		if exp, ok := j.Time("exp"); ok {
			m.st.Token.Expiry = exp
		}
	}
	step.OK = true
	step.WhatHappened = "authplay sent the token as Authorization: Bearer to " + call.Path + " and the API accepted it (HTTP " + strconv.Itoa(resp.Status) + "). A permanent token works until someone revokes it: keep it like a password, and prefer OAuth flows for anything that runs unattended. [RFC 6750 §2.1]"
	step.WhatNext = "Inspect the token or call other APIs with it."
	return step, nil
}
