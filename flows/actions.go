package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/wire"
)

// AuthenticatesClient says whether the session's requests prove the
// client's identity with a secret: its method has one, and the person
// chose neither a public client nor a private key nor a certificate.
func (st State) AuthenticatesClient() bool {
	return SpecOf(st.Method).Accepts(FieldClientSecret) && st.Params.AuthStyle != AuthNone && st.Params.AuthStyle != AuthPrivateKeyJWT && !st.Params.AuthStyle.ByCertificate()
}

// Can says whether an action makes sense for the state now, so a front
// door offers only what works.
func (st State) Can(a Action) bool {
	if st.Phase != PhaseAuthorized || st.Token == nil || st.Token.AccessToken == "" {
		return false // response_type=id_token brings no access token to act with
	}
	p := st.Params.Provider
	switch a {
	case ActionRefresh:
		return st.Token.RefreshToken != "" && st.Method != Implicit && st.Method != PermanentToken
	case ActionIntrospect:
		return p.IntrospectURL != ""
	case ActionRevoke:
		return p.RevokeURL != ""
	case ActionCallAPI:
		return true
	}
	return false
}

// revocable is the token revocation aims at: the refresh token when there
// is one (its access tokens go with it, RFC 7009 §2.1), else the access token.
func (st State) revocable() (Secret, string) {
	if st.Token.RefreshToken != "" {
		return st.Token.RefreshToken, "refresh_token"
	}
	return st.Token.AccessToken, "access_token"
}

func (m *machine) pendingAction(in Input) (Request, bool, error) {
	if !m.st.Can(in.Action) {
		return Request{}, false, settingMissing("%s is not possible now", in.Action)
	}
	p := m.st.Params.Provider
	switch in.Action {
	case ActionRefresh:
		req, err := m.refreshRequest()
		return req, err == nil, err
	case ActionIntrospect:
		return m.tokenRequest(PurposeIntrospection, p.IntrospectURL, url.Values{"token": {m.st.Token.AccessToken.Reveal()}, "token_type_hint": {"access_token"}}), true, nil
	case ActionRevoke:
		tok, hint := m.st.revocable()
		return m.tokenRequest(PurposeRevocation, p.RevokeURL, url.Values{"token": {tok.Reveal()}, "token_type_hint": {hint}}), true, nil
	case ActionCallAPI:
		req, err := apiRequest(p, m.st.Token.AccessToken, m.apiCall(in))
		req.URL = m.st.Params.apiViaMTLS(req.URL)
		presentToken(&req, m.st.Token.AccessToken, m.st.Token.TokenType)
		return req, err == nil, err
	}
	return Request{}, false, settingMissing("unknown action %q", in.Action)
}

// apiCall is the call to make: the person's, or the provider's test call.
func (m *machine) apiCall(in Input) APIRequest {
	if in.API != nil {
		return *in.API
	}
	return DefaultTestCall(m.st.Params.Provider, m.st.Method)
}

// act performs an action on the token. A failed action is recorded with
// its diagnosis but leaves the session authorized: the token may still be
// good even when, say, introspection is refused.
func (m *machine) act(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: string(in.Action), At: env.now()}
	req, _, err := m.pendingAction(in)
	if err != nil {
		step.Caption = "Not possible now"
		return m.actionFailed(step, err, "")
	}
	if in.Action == ActionRefresh {
		return m.refresh(ctx, env, in)
	}
	rec, callErr := m.send(ctx, env, in, req)
	step.Exchanges = rec.Exchanges()
	switch in.Action {
	case ActionIntrospect:
		return m.introspected(step, rec, callErr, req.URL)
	case ActionRevoke:
		return m.revoked(step, rec, callErr, req.URL)
	}
	return m.called(step, rec, callErr, req)
}

// actionFailed records a failed action without failing the flow.
func (b *base) actionFailed(step Step, err error, endpoint string) (Step, error) {
	step.Diagnosis = Explain(err, b.explainContext(endpoint))
	step.OK = false
	step.WhatNext = "The token is as it was. Fix what the diagnosis names and try again."
	return step, err
}

func (m *machine) introspected(step Step, rec *wire.Recorder, callErr error, endpoint string) (Step, error) {
	step.Caption = "Ask the server whether the access token is active (introspection)"
	ct, body, err := outcome(rec, callErr)
	var fields map[string]any
	if err == nil {
		fields, err = decodeFields(ct, body)
	}
	if err != nil {
		step.WhatHappened = "authplay sent the access token to the introspection endpoint, with the application's credentials, and the server refused."
		return m.actionFailed(step, err, endpoint)
	}
	active, _ := fields["active"].(bool)
	step.OK = true
	if !active {
		step.WhatHappened = "The server says the access token is not active: it expired, was revoked, or was never issued by this server. It tells nothing more about an inactive token, by design. [RFC 7662 §2.2]"
		step.WhatNext = "Get a new token: refresh it, or run the flow again."
		return step, nil
	}
	var about []string
	for _, k := range []string{"scope", "client_id", "username", "sub"} {
		if v, ok := fields[k].(string); ok && v != "" {
			about = append(about, k+" "+v)
		}
	}
	if exp, ok := fields["exp"].(float64); ok {
		about = append(about, "until "+timeOf(exp))
	}
	step.WhatHappened = "The server says the access token is active" + strings.Join(append([]string{""}, about...), ", ") +
		". Introspection is how a resource server learns what an opaque token means; it asks with its own credentials, as authplay did here. [RFC 7662 §2.2]"
	step.WhatNext = "Revoke it (x) and introspect again to watch it become inactive."
	return step, nil
}

func (m *machine) revoked(step Step, rec *wire.Recorder, callErr error, endpoint string) (Step, error) {
	_, hint := m.st.revocable()
	words := strings.ReplaceAll(hint, "_", " ")
	step.Caption = "Revoke the " + words
	if _, _, err := outcome(rec, callErr); err != nil {
		step.WhatHappened = "authplay asked the revocation endpoint to revoke the " + words + ", and the server refused."
		return m.actionFailed(step, err, endpoint)
	}
	m.st.Revoked = hint
	step.OK = true
	step.WhatHappened = "The server answered 200: it no longer honours the " + words + map[bool]string{true: ", nor the access tokens issued with it", false: ""}[hint == "refresh_token"] +
		". A revocation endpoint answers 200 even for a token it does not know, so the proof is in trying the token again. [RFC 7009 §2.2]"
	step.WhatNext = "Introspect (i) or call the API (a): the server should now refuse the token."
	return step, nil
}

func (m *machine) called(step Step, rec *wire.Recorder, callErr error, req Request) (Step, error) {
	step.Caption = "Call the API with the access token"
	exchanges := rec.Exchanges()
	if callErr != nil || len(exchanges) == 0 || exchanges[len(exchanges)-1].Response == nil {
		if callErr == nil {
			callErr = errors.New("no response was recorded")
		}
		step.WhatHappened = "authplay could not reach the API."
		return m.actionFailed(step, callErr, req.URL)
	}
	status := exchanges[len(exchanges)-1].Response.Status
	step.WhatHappened = fmt.Sprintf("authplay sent the access token as Authorization: %s to %s, and the API answered HTTP %d. [%s]", schemeSent(exchanges), req.URL, status, schemeRef(exchanges))
	if status >= 400 {
		_, body, _ := outcome(rec, nil)
		var e OAuthError
		var err error = apiRefused(status)
		if json.Unmarshal(body, &e) == nil && e.Code != "" {
			err = serverError(e.Code, e.Description, e.URI, status)
		}
		return m.actionFailed(step, m.dpopRefusal(err, exchanges, true), req.URL)
	}
	step.OK = true
	step.WhatNext = "Change the call, or try another token action."
	return step, nil
}

// timeOf writes a NumericDate (seconds since 1970) as a clock time.
func timeOf(secs float64) string { return time.Unix(int64(secs), 0).Local().Format("15:04:05") }
