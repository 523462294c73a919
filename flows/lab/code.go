package lab

import (
	"net/url"

	"github.com/authplay/authplay/flows"
)

// The experiments on the authorization code: what binds it to one use,
// to the PKCE verifier and to its redirect URI.

func codeReplay(r *run) Result {
	m, why := r.signedIn(r.t.Params, r.t.Creds)
	if m == nil {
		return skipped("no code to replay: %s", why)
	}
	before := m.State() // holds the code, before it is traded
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Trade the code for tokens (the honest first redemption)"
	r.add(step)
	if err != nil {
		return skipped("the first redemption already failed (%s), so there is nothing to replay", replyOf(step, err))
	}
	replay, err := r.again(before, r.t.Creds)
	if err != nil {
		return skipped("%v", err)
	}
	step, err = replay.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Trade the same code again (the replay)"
	r.add(step)
	rp := replyOf(step, err)
	switch {
	case rp.accepted:
		return vulnerable("the server issued tokens a second time for a code it had already redeemed")
	case !rp.refused:
		return skipped("the replay got no answer: %s", rp.problem)
	}
	switch works, how := r.stillWorks(m); {
	case how == "":
		return defended("the server refused the second redemption (%s); whether it revoked the first tokens could not be seen (no introspection, and the API call told nothing)", rp)
	case works:
		return defended("the server refused the second redemption (%s), but the tokens of the first still work (%s); it should revoke them", rp, how)
	default:
		return defended("the server refused the second redemption (%s) and revoked the tokens of the first (%s)", rp, how)
	}
}

// withPKCE is the profile's params with an S256 challenge, whatever the
// profile says: the PKCE experiments are about a server that got one.
func (r *run) withPKCE() flows.Params {
	p := r.t.Params
	p.PKCE = flows.PKCES256
	return p
}

func pkceMissingVerifier(r *run) Result {
	m, why := r.signedIn(r.withPKCE(), r.t.Creds)
	if m == nil {
		return skipped("no code to try: %s", why)
	}
	rp := r.trade(m, "Trade the code without its code_verifier", func(req *flows.Request) { req.Form.Del("code_verifier") })
	switch {
	case rp.accepted:
		return vulnerable("the server issued tokens for a code asked for with a PKCE challenge, though no code_verifier came: a stolen code works on its own")
	case rp.refused:
		return defended("the server refused the code without its code_verifier (%s)", rp)
	}
	return skipped("the token request got no answer: %s", rp.problem)
}

func pkceWrongVerifier(r *run) Result {
	m, why := r.signedIn(r.withPKCE(), r.t.Creds)
	if m == nil {
		return skipped("no code to try: %s", why)
	}
	rp := r.trade(m, "Trade the code with a code_verifier that is not the one behind the challenge", func(req *flows.Request) {
		req.Form.Set("code_verifier", randomText())
	})
	switch {
	case rp.accepted:
		return vulnerable("the server issued tokens though the code_verifier does not match the challenge: it does not check PKCE")
	case rp.refused:
		return defended("the server refused a code_verifier that does not match the challenge (%s)", rp)
	}
	return skipped("the token request got no answer: %s", rp.problem)
}

func pkceDowngrade(r *run) Result {
	p := r.t.Params
	p.PKCE = flows.PKCEOff
	// A server that insists on PKCE for this client refuses a request
	// without a challenge before anyone signs in; that defends as well.
	probe := p
	probe.RedirectURI = concrete(p.RedirectURI)
	if u, err := authURL(probe, r.t.Creds); err == nil {
		a, how := r.ask("Ask for a code without a PKCE challenge (read the answer, no browser)", u, probe.RedirectURI)
		if a.refused() || a == errorToTried {
			control := probe
			control.PKCE = flows.PKCES256
			cu, _ := authURL(control, r.t.Creds)
			if ca, chow := r.ask("The same request with a challenge (the control)", cu, probe.RedirectURI); ca.refused() || ca == errorToTried {
				return skipped("the server refuses this client's authorization request even with a challenge (%s); fix the profile first", chow)
			}
			return defended("the server refused an authorization request without a code_challenge (%s): this client must use PKCE, so there is no challenge to strip", how)
		}
	}
	m, why := r.signedIn(p, r.t.Creds)
	if m == nil {
		return skipped("no code to try: %s", why)
	}
	verifier := m.State().Verifier.Reveal()
	rp := r.trade(m, "Trade the code with a code_verifier, though the authorization request had no challenge", func(req *flows.Request) {
		req.Form.Set("code_verifier", verifier)
	})
	switch {
	case rp.accepted:
		return vulnerable("the server took a code_verifier for a code asked for without a challenge, so it cannot notice a challenge stripped on the way")
	case rp.refused:
		return defended("the server refused a code_verifier for a code asked for without a challenge (%s)", rp)
	}
	return skipped("the token request got no answer: %s", rp.problem)
}

func redirectTokenMismatch(r *run) Result {
	m, why := r.signedIn(r.t.Params, r.t.Creds)
	if m == nil {
		return skipped("no code to try: %s", why)
	}
	other := otherPath(m.State().RedirectURI)
	rp := r.trade(m, "Trade the code with another redirect_uri than the authorization request's", func(req *flows.Request) {
		req.Form.Set("redirect_uri", other)
	})
	switch {
	case rp.accepted:
		return vulnerable("the server traded the code though redirect_uri was %s, not the authorization request's %s", other, m.State().RedirectURI)
	case rp.refused:
		return defended("the server refused a redirect_uri that differs from the authorization request's (%s)", rp)
	}
	return skipped("the token request got no answer: %s", rp.problem)
}

// otherPath is uri at the same origin under a path nobody registered.
func otherPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri + "-elsewhere"
	}
	u.Path, u.RawPath, u.RawQuery = "/authplay-lab-elsewhere", "", ""
	return u.String()
}
