package lab

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// The experiments on authplay's own defences, shown from its side.

const (
	forgedCode  = "lab-forged-code"
	genuineCode = "lab-stand-in-code" // never sent to any server
)

func forgedState(r *run) Result {
	p := r.t.Params
	p.Timeout = wire.Duration(10 * time.Second) // the lab itself delivers the one redirect awaited
	m, err := r.machine(flows.AuthorizationCode, p, r.t.Creds)
	if err != nil {
		return skipped("%v", err)
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Open the loopback listener, as a sign-in would (nobody is sent to the server)"
	r.add(step)
	if err != nil {
		return skipped("the listener could not start: %v", err)
	}
	st := m.State()
	forged := withQuery(st.RedirectURI, url.Values{"code": {forgedCode}, "state": {"forged-" + randomText()}})
	stateless := withQuery(st.RedirectURI, url.Values{"code": {forgedCode}})
	c, rec := wire.Record(noFollow(r.env.HTTP), false)
	forgedStatus := get(r.ctx, c, forged)
	statelessStatus := get(r.ctx, c, stateless)
	r.add(flows.Step{Name: "forged_redirects", Caption: "Deliver a redirect with a forged state, and one with none, to the listener",
		Exchanges: rec.Exchanges(), OK: forgedStatus >= 400 && statelessStatus >= 400,
		WhatHappened: "Both arrived the way a page on another site could send a browser: with a code, and with a state authplay never made (or none). " +
			"The listener answered HTTP " + statusWords(forgedStatus) + " and HTTP " + statusWords(statelessStatus) + "."})
	c, rec = wire.Record(noFollow(r.env.HTTP), false)
	genuineStatus := get(r.ctx, c, withQuery(st.RedirectURI, url.Values{"code": {genuineCode}, "state": {st.StateValue}}))
	r.add(flows.Step{Name: "genuine_redirect", Caption: "Deliver the redirect that carries authplay's own state (the lab plays the server)",
		Exchanges: rec.Exchanges(), OK: genuineStatus < 400,
		WhatHappened: "It carries a stand-in code that is never sent to any server. The listener answered HTTP " + statusWords(genuineStatus) + "."})
	step, err = m.Next(r.ctx, r.env, flows.Input{})
	r.add(step)
	switch got := m.State().Code.Reveal(); {
	case got == forgedCode || (forgedStatus > 0 && forgedStatus < 400) || (statelessStatus > 0 && statelessStatus < 400):
		return vulnerable("authplay's listener accepted a redirect whose state was not its own")
	case err != nil:
		return skipped("the listener did not take even the genuine redirect: %v", err)
	case got == genuineCode:
		return defended("authplay's listener refused the forged state and the missing one (HTTP %d, %d), kept waiting, and took only the redirect with its own state", forgedStatus, statelessStatus)
	}
	return skipped("the listener's answer could not be read")
}

func withQuery(uri string, q url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// get visits a loopback address and returns the status, 0 when none came.
func get(ctx context.Context, c *http.Client, u string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func statusWords(status int) string {
	if status == 0 {
		return "nothing"
	}
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

func idTokenAudience(r *run) Result {
	p, creds := r.t.Params, r.t.Creds
	issuedTo, checker := p.ClientID, "another-client-than-"+p.ClientID
	if id := r.t.PublicClientID; id != "" && id != p.ClientID {
		p, creds, _ = r.publicClient()
		issuedTo, checker = id, r.t.Params.ClientID
	}
	if !slices.Contains(strings.Fields(p.Scope), "openid") {
		p.Scope = strings.TrimSpace(p.Scope + " openid")
	}
	if p.Provider.SpaceLike() {
		p.AccessType = "" // an ID token is all this needs; no refresh token
	}
	m, why := r.tokens(p, creds)
	if m == nil {
		return skipped("no ID token to check: %s", why)
	}
	st := m.State()
	if st.Token.IDToken == "" {
		return skipped("no ID token came back though the scope asked for openid: the server does not speak OpenID Connect to %s", issuedTo)
	}
	in := flows.CheckInput{Now: r.env.Time(), Issuer: p.Provider.Issuer, ClientID: checker, Nonce: st.Nonce}
	as := audienceOf(flows.CheckIDToken(st.Token.IDToken.Reveal(), st.Token.AccessToken.Reveal(), in))
	in.ClientID = issuedTo
	own := audienceOf(flows.CheckIDToken(st.Token.IDToken.Reveal(), st.Token.AccessToken.Reveal(), in))
	r.add(flows.Step{Name: "id_token_check", Caption: "Check the ID token minted for " + issuedTo + " as " + checker + " would", OK: as.Outcome == flows.Fail,
		WhatHappened: "As " + checker + ": aud " + string(as.Outcome) + ", " + as.Detail + ". As " + issuedTo + " itself: aud " + string(own.Outcome) + ", " + own.Detail + ".",
		Notes:        []string{"An ID token is meant for one client: another that accepted it would let anyone who holds a token for some other app sign in as that user."}})
	switch as.Outcome {
	case flows.Fail:
		return defended("authplay's aud check refused, as %s, an ID token minted for %s (and passes it for %s itself)", checker, issuedTo, issuedTo)
	case flows.Pass:
		return vulnerable("authplay accepted, as %s, an ID token minted for %s", checker, issuedTo)
	}
	return skipped("the aud check could not be made: %s", as.Detail)
}

// audienceOf is the aud verdict among an ID token's checks.
func audienceOf(vs []flows.Verdict) flows.Verdict {
	for _, v := range vs {
		if v.Check == "aud" {
			return v
		}
	}
	return flows.Verdict{Check: "aud", Outcome: flows.NotApplicable, Detail: "no audience check was made"}
}
