package lab

import (
	"net/http"
	"strings"

	"github.com/authplay/authplay/flows"
)

// The experiments on tokens and client credentials.

// publicClient is the profile's params as the target's public client, when
// it names one; whose says which client the verdict speaks of.
func (r *run) publicClient() (p flows.Params, creds flows.Credentials, whose string) {
	p, creds = r.t.Params, r.t.Creds
	if r.t.PublicClientID == "" || r.t.PublicClientID == p.ClientID {
		return p, creds, "the profile's client " + p.ClientID
	}
	p.ClientID, p.AuthStyle, p.PKCE = r.t.PublicClientID, flows.AuthNone, flows.PKCES256
	return p, flows.Credentials{}, "the public client " + r.t.PublicClientID
}

// tokens signs in with p and trades the code: a machine holding tokens.
func (r *run) tokens(p flows.Params, creds flows.Credentials) (flows.Machine, string) {
	m, why := r.signedIn(p, creds)
	if m == nil {
		return nil, why
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	r.add(step)
	if err != nil {
		return nil, "the code could not be traded for tokens (" + replyOf(step, err).String() + ")"
	}
	return m, ""
}

func refreshReuse(r *run) Result {
	p, creds, whose := r.publicClient()
	if p.Provider.SpaceLike() && p.AccessType == "" {
		p.AccessType = "offline" // Space issues refresh tokens only for offline access
	}
	m, why := r.tokens(p, creds)
	if m == nil {
		return skipped("no refresh token to reuse: %s", why)
	}
	if m.State().Token.RefreshToken == "" {
		return skipped("no refresh token came back for %s (Space asks for access_type=offline, many OIDC servers for the offline_access scope)", whose)
	}
	before := m.State()
	step, err := m.Next(r.ctx, r.env, flows.Input{Action: flows.ActionRefresh})
	step.Caption = "Refresh once, to see whether the refresh token rotates"
	r.add(step)
	if err != nil {
		return skipped("the first refresh was refused (%s)", replyOf(step, err))
	}
	if rot := m.State().Rotated; rot == nil || !*rot {
		return skipped("the server does not rotate the refresh tokens of %s, and reuse detection rests on rotation; a server need not rotate a confidential client's, whose secret protects them", whose)
	}
	old, err := r.again(before, creds)
	if err != nil {
		return skipped("%v", err)
	}
	step, err = old.Next(r.ctx, r.env, flows.Input{Action: flows.ActionRefresh})
	step.Caption = "Present the old, rotated-away refresh token again (the reuse)"
	r.add(step)
	rp := replyOf(step, err)
	switch {
	case rp.accepted:
		return vulnerable("the server honoured a refresh token it had already rotated away")
	case !rp.refused:
		return skipped("the reuse got no answer: %s", rp.problem)
	}
	step, err = m.Next(r.ctx, r.env, flows.Input{Action: flows.ActionRefresh})
	step.Caption = "Try the newer refresh token, which the reuse should have revoked"
	r.add(step)
	switch newer := replyOf(step, err); {
	case newer.accepted:
		return vulnerable("the server refused the spent refresh token (%s) but left the newer one working, so a thief who refreshed first keeps access", rp)
	case newer.refused:
		return defended("the server refused the spent refresh token (%s) and revoked the newer one of the same grant (%s)", rp, newer)
	default:
		return defended("the server refused the spent refresh token (%s); whether it revoked the newer one is unknown: %s", rp, newer.problem)
	}
}

func wrongSecret(r *run) Result {
	p := r.t.Params
	if r.t.Creds.ClientSecret == "" || p.AuthStyle == flows.AuthNone {
		return skipped("the profile's client %s is public: it has no secret to get wrong", p.ClientID)
	}
	m, err := r.machine(flows.ClientCredentials, p, flows.Credentials{ClientSecret: flows.Secret("wrong-" + randomText())})
	if err != nil {
		return skipped("%v", err)
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Ask for a token with a wrong client secret"
	r.add(step)
	rp := replyOf(step, err)
	switch {
	case rp.accepted:
		return vulnerable("the server issued a token to a client whose secret was wrong")
	case !rp.refused:
		return skipped("the token request got no answer: %s", rp.problem)
	}
	basic := p.AuthStyle.Resolve(r.t.Creds.ClientSecret) == flows.AuthBasic
	var notes []string
	if rp.code != "invalid_client" {
		notes = append(notes, "RFC 6749 §5.2 names this error invalid_client")
	}
	if basic && rp.status != http.StatusUnauthorized {
		notes = append(notes, "after HTTP Basic the answer must be 401")
	}
	if basic && rp.header.Get("WWW-Authenticate") == "" {
		notes = append(notes, "after HTTP Basic a WWW-Authenticate challenge is required")
	}
	how := rp.String()
	if c := rp.header.Get("WWW-Authenticate"); c != "" {
		how += " with WWW-Authenticate: " + c
	}
	if len(notes) > 0 {
		return defended("the server refused the wrong secret (%s); though %s", how, strings.Join(notes, ", and "))
	}
	return defended("the server refused the wrong secret (%s)", how)
}

// anyTokens gets tokens without a person when the client can (client
// credentials), else through a sign-in.
func (r *run) anyTokens() (flows.Machine, string) {
	p, creds := r.t.Params, r.t.Creds
	if creds.ClientSecret != "" && p.AuthStyle != flows.AuthNone {
		m, err := r.machine(flows.ClientCredentials, p, creds)
		if err == nil {
			step, err := m.Next(r.ctx, r.env, flows.Input{})
			step.Caption = "Get a token for the application itself (no sign-in needed)"
			r.add(step)
			if err == nil {
				return m, ""
			}
		}
	}
	return r.tokens(p, creds)
}

func revokedToken(r *run) Result {
	if r.t.Params.Provider.RevokeURL == "" {
		return skipped("the server names no revocation endpoint (RFC 7009); discovery fills it in when the server has one")
	}
	m, why := r.anyTokens()
	if m == nil {
		return skipped("no token to revoke: %s", why)
	}
	req, ok, err := m.Pending(flows.Input{Action: flows.ActionRevoke})
	if err != nil || !ok {
		return skipped("no revocation request could be built (%v)", err)
	}
	req.Form.Set("token", m.State().Token.AccessToken.Reveal())
	req.Form.Set("token_type_hint", "access_token")
	step, err := m.Next(r.ctx, r.env, flows.Input{Action: flows.ActionRevoke, Request: &req})
	step.Caption = "Revoke the access token"
	r.add(step)
	switch rp := replyOf(step, err); {
	case rp.code == "unsupported_token_type":
		return skipped("the server does not revoke access tokens (unsupported_token_type, which RFC 7009 §2.2.1 allows)")
	case !rp.accepted:
		return skipped("the revocation was not accepted (%s)", rp)
	}
	var seen []string
	active, asked := r.introspect(m, "Ask about the revoked access token (introspection)")
	if asked && active {
		return vulnerable("after revocation the introspection endpoint still calls the access token active")
	}
	if asked {
		seen = append(seen, "introspection calls it inactive")
	}
	status, challenge := r.callAPI(m, "Call the API with the revoked access token")
	switch {
	case status >= 200 && status < 300:
		return vulnerable("after revocation the API still answers HTTP %d to the access token", status)
	case status == http.StatusUnauthorized && strings.Contains(challenge, "invalid_token"):
		seen = append(seen, `the API answers 401 with error="invalid_token"`)
	case status == http.StatusUnauthorized:
		seen = append(seen, `the API answers 401 (without error="invalid_token" in WWW-Authenticate, which RFC 6750 §3.1 asks for)`)
	}
	if len(seen) == 0 {
		return skipped("nothing could tell whether the revoked token still works: the server names no introspection endpoint, and the API call answered neither 2xx nor 401")
	}
	return defended("after revocation %s", strings.Join(seen, ", and "))
}
