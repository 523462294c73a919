package lab

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// The experiments on the redirect URI the authorization endpoint accepts.
// authplay sends each request itself and reads the answer without
// following it, so a refusal needs nobody; only a server that goes on to
// sign-in needs someone to sign in, to show where it would send the code.

// variant is one redirect URI a server should refuse.
type variant struct {
	name string // "a suffix on the path"
	uri  string // built from the profile's redirect URI (its port kept, 0 included)
	how  string // how the server first answered, once asked
}

func redirectOtherPath(r *run) Result {
	return r.redirectTrial([]variant{{name: "another path", uri: otherPath(r.t.Params.RedirectURI)}})
}

func redirectSuffix(r *run) Result {
	reg := r.t.Params.RedirectURI
	u, err := url.Parse(reg)
	if err != nil {
		return skipped("the profile's redirect URI %q does not parse", reg)
	}
	suffix, detour, query := *u, *u, *u
	suffix.Path, suffix.RawPath = u.Path+".evil", ""
	detour.Path, detour.RawPath = strings.TrimSuffix(u.Path, "/")+"/../authplay-lab-elsewhere", ""
	q := u.Query()
	q.Set("authplay_lab", "evil")
	query.RawQuery = q.Encode()
	return r.redirectTrial([]variant{
		{name: "a suffix on the path", uri: suffix.String()},
		{name: "a ../ detour", uri: detour.String()},
		{name: "an extra query parameter", uri: query.String()},
	})
}

// redirectTrial asks for each variant after a control request with the
// registered redirect URI (on another port, for loopback: allowed).
func (r *run) redirectTrial(variants []variant) Result {
	p := r.t.Params
	reg := concrete(p.RedirectURI)
	caption := "The registered redirect URI, the control"
	if u, err := url.Parse(reg); err == nil && wire.IsLoopback(u.Hostname()) {
		caption = "The registered redirect URI on a free loopback port, the control (RFC 8252 §7.3 allows any port)"
	}
	cu, err := r.authURLFor(reg)
	if err != nil {
		return skipped("%v", err)
	}
	switch a, how := r.ask(caption, cu, reg); {
	case a == unanswered:
		return skipped("the authorization endpoint did not answer: %s", how)
	case a.refused() || a == errorToTried:
		return skipped("the server refuses even the profile's own redirect URI %s (%s); fix the profile first", reg, how)
	}
	var names, hows []string
	var undecided []variant
	for _, v := range variants {
		tried := concrete(v.uri)
		u, err := r.authURLFor(tried)
		if err != nil {
			return skipped("%v", err)
		}
		a, how := r.ask("Ask for a redirect to "+v.name+": "+tried, u, tried)
		switch {
		case a == codeToTried:
			return vulnerable("the server sent a code to %s (%s), which was never registered", tried, v.name)
		case a == errorToTried:
			return vulnerable("the server refused %s, yet sent the browser there with the error: it redirects to addresses nobody registered (RFC 6749 §4.1.2.1 forbids that)", tried)
		case a.refused():
			names, hows = append(names, v.name), append(hows, how)
		case a == unanswered:
			return skipped("the authorization endpoint did not answer: %s", how)
		default:
			v.how = how
			undecided = append(undecided, v)
		}
	}
	if len(undecided) == 0 {
		return defended("the server refused %s, and took the registered URI on another port", refusalWords(names, hows))
	}
	return r.afterSignIn(undecided[0])
}

// authURLFor is the profile's authorization request with another redirect URI.
func (r *run) authURLFor(redirectURI string) (string, error) {
	p := r.t.Params
	p.RedirectURI = redirectURI
	return authURL(p, r.t.Creds)
}

// afterSignIn finds out where the server sends the browser for a request
// it should have refused at once but took: the headless approval says so
// at once; a person's browser comes back to a listener at that very
// address, if the server sends it there.
func (r *run) afterSignIn(v variant) Result {
	taken := "the server answered with " + v.how + " instead of refusing " + v.name + " at once"
	if r.t.Approve != nil {
		tried := concrete(v.uri)
		u, err := r.authURLFor(tried)
		if err != nil {
			return skipped("%v", err)
		}
		loc, step, err := r.approve(u)
		r.add(step)
		if err != nil {
			return defended("%s, but refused it at sign-in (%s)", taken, err.Error())
		}
		lu, _ := url.Parse(loc)
		switch a, how := classify(302, loc, tried); {
		case a == codeToTried:
			return vulnerable("%s, and after sign-in sent a code to %s, which was never registered", taken, tried)
		case a == errorToTried:
			return vulnerable("%s, and after sign-in sent the browser, with an error, to the unregistered %s", taken, tried)
		case a == errorRedirect:
			return defended("%s, but after sign-in answered with %s", taken, how)
		default:
			return skipped("%s, and after sign-in sent the browser to %s://%s%s, which tells nothing", taken, lu.Scheme, lu.Host, lu.Path)
		}
	}
	if r.t.SignIn == nil {
		return skipped("%s; only someone signing in can show where it would send the browser", taken)
	}
	p := r.t.Params
	p.RedirectURI = v.uri
	p.Timeout = wire.Duration(r.t.wait())
	m, err := r.machine(flows.AuthorizationCode, p, r.t.Creds)
	if err != nil {
		return skipped("%v", err)
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Listen at the unregistered address and send the browser with it"
	r.add(step)
	if err != nil {
		return skipped("%s; authplay cannot listen at %s to see where the browser goes (%v)", taken, v.uri, err)
	}
	if why := r.signIn(m.State().AuthURL); why != "" {
		return skipped("%s; %s", taken, why)
	}
	began := time.Now()
	step, err = m.Next(r.ctx, r.env, flows.Input{})
	step.Caption = "Wait at the unregistered address"
	r.add(step)
	var oe *flows.OAuthError
	switch {
	case err == nil:
		return vulnerable("%s, and after sign-in sent a code to %s, which was never registered", taken, m.State().RedirectURI)
	case errors.As(err, &oe):
		return vulnerable("%s, and after sign-in sent the browser, with %s, to the unregistered %s", taken, oe.Code, m.State().RedirectURI)
	case time.Since(began) >= r.t.wait():
		return skipped("%s; nobody signed in within %s to show where it would send the browser", taken, flows.Human(r.t.wait()))
	}
	return skipped("%s; %v", taken, err)
}

// refusalWords tells the refusals in one phrase: "a suffix on the path and
// a ../ detour with an error page (HTTP 400) and no redirect".
func refusalWords(names, hows []string) string {
	same := true
	for _, h := range hows {
		same = same && h == hows[0]
	}
	if same {
		return andList(names) + " with " + hows[0]
	}
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = names[i] + " with " + hows[i]
	}
	return andList(parts)
}

func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
