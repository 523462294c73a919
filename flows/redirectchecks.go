package flows

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Refusal is an authorization response authplay refuses itself, because
// taking it would let an attack through (a mix-up, a swapped code). It
// carries its own explanation, fix first: Explain knows what servers say,
// a refusal knows the rule it enforces.
type Refusal struct {
	Fix, Cause, Refs string
}

func (r *Refusal) Error() string { return r.Cause }

func (r *Refusal) diagnosis() *Diagnosis {
	return &Diagnosis{Fix: r.Fix, Cause: r.Cause, Raw: r.Cause, Refs: r.Refs}
}

// sentParam is a parameter of the authorization request as it was sent,
// custom parameters and a person's edits included: how the answer comes
// (response_type, response_mode) and whether a nonce went at all follow
// it. The values an answer is judged by (state, nonce) stay authplay's
// own: a request changed by hand shows what the defences then do.
func (st State) sentParam(k string) string {
	if st.AuthURL == "" {
		return ""
	}
	u, err := url.Parse(st.AuthURL)
	if err != nil {
		return ""
	}
	return u.Query().Get(k)
}

// sentResponseType is the response type the authorization request asked for.
func (st State) sentResponseType() string {
	return canonicalResponseType(st.sentParam("response_type"))
}

// expect is what the listener waits for: authplay's own state, whatever
// a custom parameter or an edit sent instead (or none: it could not tell
// its redirect from a forged one), and the answer where the request asked
// for it (a custom response_mode included).
func (b *base) expect() loopback.Expect {
	rt := b.st.sentResponseType()
	mode := b.st.sentParam("response_mode")
	if mode == "" {
		mode = defaultMode(rt)
	}
	p := b.st.Params.Provider
	return loopback.Expect{State: b.st.StateValue, Fragment: mode == ModeFragment, FormPost: mode == ModeFormPost, Verify: p.checkRedirectIssuer}
}

// expectedIssuer is the issuer a response must name: the discovery
// document's own spelling when there is one (RFC 9207 compares strings).
func (p Provider) expectedIssuer() string {
	if p.Advertised != nil && p.Advertised.Issuer != "" {
		return p.Advertised.Issuer
	}
	return p.Issuer
}

// issAdvertised says whether discovery promised an iss in every
// authorization response (RFC 9207 §3).
func (p Provider) issAdvertised() bool {
	return p.Advertised != nil && p.Advertised.IssParameterSupported
}

func sameIssuer(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

// checkRedirectIssuer is RFC 9207's defence against a mix-up: a response
// that names another issuer than the server authplay sent the browser to,
// or names none where the server promised to, is refused before its code
// or token is used (§2.4).
func (p Provider) checkRedirectIssuer(q url.Values) error {
	iss, has := q.Get("iss"), q.Has("iss")
	want := p.expectedIssuer()
	switch {
	case has && want != "" && !sameIssuer(iss, want):
		return &Refusal{
			Fix: "Use nothing from this answer. Start again, and check that the authorization URL belongs to " + want +
				": another server answered in its place.",
			Cause: "The answer names issuer " + quoteOr(iss) + ", but authplay sent the browser to " + want +
				". This is what a mix-up attack looks like: a code or token of one server is sent where another's is expected, so authplay does not use it.",
			Refs: "RFC 9207 §2.4",
		}
	case !has && p.issAdvertised():
		return &Refusal{
			Fix: "Start again. If every answer lacks iss, the server's discovery document promises what the server does not do: tell its administrators.",
			Cause: "The server's discovery document says every answer names its issuer (authorization_response_iss_parameter_supported), but this one names none, " +
				"so nothing shows it comes from that server and not from another one in a mix-up.",
			Refs: "RFC 9207 §2.4",
		}
	}
	return nil
}

func quoteOr(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// redirectIssuerVerdict is the RFC 9207 check among the token's: what the
// redirect said about who answered.
func redirectIssuerVerdict(st State) Verdict {
	const name = "redirect iss"
	p := st.Params.Provider
	want := p.expectedIssuer()
	switch {
	case st.RedirectIss == "" && p.issAdvertised():
		return Verdict{name, Fail, "the server promises an iss in every answer, but this one had none (RFC 9207 §2.4)"}
	case st.RedirectIss == "":
		return Verdict{name, NotApplicable, "the answer named no issuer and the server does not promise one (RFC 9207): only the state ties it to this server"}
	case want == "":
		return Verdict{name, Warn, "the answer names issuer " + st.RedirectIss + ", but no issuer is configured to compare it with"}
	case sameIssuer(st.RedirectIss, want):
		return Verdict{name, Pass, "the answer names " + st.RedirectIss + ", the server authplay asked: no mix-up (RFC 9207)"}
	}
	return Verdict{name, Fail, "the answer names " + st.RedirectIss + ", not " + want + ": a mix-up (RFC 9207 §2.4)"}
}

// redactedRedirect is the redirect as it arrived, secrets masked, for the
// step's record: a GET with a query or a fragment, or a form_post's POST.
func redactedRedirect(redirectURI string, r loopback.Redirect) wire.Message {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return wire.Message{Method: http.MethodGet, URL: redirectURI}
	}
	body := r.Params.Encode()
	switch r.Mode {
	case ModeFormPost:
		return wire.Redacted(http.MethodPost, u.String(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(body))
	case ModeFragment:
		u.Fragment = body
	default:
		u.RawQuery = body
	}
	return wire.Message{Method: http.MethodGet, URL: wire.RedactURL(u)}
}

// frontChannel takes what a hybrid flow's redirect brought beside the code
// (OIDC Core §3.3.2.5) and refuses it, code and all, unless its ID token
// is bound to this code and this sign-in: that binding is what tells a
// code from one injected into the redirect (§3.3.2.12). The key set is not
// fetched here: the signature is judged with the tokens' other checks.
func (b *base) frontChannel(env Env, rt string, q url.Values) error {
	f := &FrontChannel{IDToken: Secret(q.Get("id_token")), AccessToken: Secret(q.Get("access_token"))}
	for _, name := range []string{"id_token", "access_token"} {
		if err := checkTokenChars(name, q.Get(name)); err != nil {
			return err
		}
	}
	switch {
	case asks(rt, "id_token") && f.IDToken == "":
		return missingFromRedirect("id_token", rt)
	case asks(rt, "token") && f.AccessToken == "":
		return missingFromRedirect("access_token", rt)
	}
	b.st.Front = f
	if f.IDToken == "" {
		return nil
	}
	for _, v := range checkIDToken(f.IDToken.Reveal(), f.binding(rt), OfflineChecks(env.now(), b.st)) {
		if v.Outcome == Fail {
			return &Refusal{
				Fix: "Start again. If it fails every time, compare the ID token's claims (Steps panel) with what the server documents; a server that does the hybrid flow must bind its ID token to the code.",
				Cause: "The ID token that came with the code fails its " + v.Check + " check: " + termsafe.Line(v.Detail) +
					". In the hybrid flow this check proves the code was not swapped in, so authplay does not exchange it.",
				Refs: "OIDC Core §3.3.2.12",
			}
		}
	}
	return nil
}

// missingFromRedirect is a redirect without a part the response type asked for.
func missingFromRedirect(what, rt string) error {
	return &Refusal{
		Fix:   "Choose a response type the server does (its discovery document lists response_types_supported), or code alone.",
		Cause: "The redirect has no " + what + ", although response_type=" + rt + " asked for one: the server does not do this response type as asked.",
		Refs:  "OIDC Core §3.3.2.5",
	}
}
