package flows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Outcome of one check.
type Outcome string

const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Warn Outcome = "warn"
	// Unverified: the check applies but could not be made (no key set, or
	// it could not be had). --strict counts it as a failure.
	Unverified    Outcome = "not checked"
	NotApplicable Outcome = "n/a"
)

// Verdict is one check of a token or a redirect, with a sentence a person
// can act on.
type Verdict struct {
	Check   string  `json:"check"`
	Outcome Outcome `json:"outcome"`
	Detail  string  `json:"detail"`
}

// CheckInput is what the checks compare a token against.
type CheckInput struct {
	Now           time.Time
	Skew          time.Duration // allowed clock difference; 60 s when zero
	Issuer        string        // expected iss; empty skips the check
	ClientID      string
	Nonce         string // the nonce authplay sent, if any
	StateChecked  bool   // the redirect's state matched
	UsedState     bool   // the flow used a redirect with state at all
	JWKS          *jose.JSONWebKeySet
	JWKSError     string // why the key set could not be had
	AccessTokenID bool   // checking an ID token: at_hash applies
	// SentState is the state authplay made and sent, which an ID token's
	// s_hash binds to.
	SentState string
	// CodeHashes are the code's half hashes by hash size (c_hash), kept
	// after the code itself is spent.
	CodeHashes map[string]string
	// KeySetStep is the fetch of the key set, as a step to show with the
	// session's own (nil when nothing was fetched): every request authplay
	// sends is one a person can see.
	KeySetStep *Step
}

// CheckAccessToken returns verdicts for an access token. Opaque tokens get a
// single verdict saying so: only the server can judge them (introspection).
func CheckAccessToken(tok string, in CheckInput) []Verdict {
	return safeVerdicts(checkAccessToken(tok, in))
}

// safeVerdicts makes each detail safe to print: they quote claims, which
// the token's issuer wrote.
func safeVerdicts(vs []Verdict) []Verdict {
	for i := range vs {
		vs[i].Detail = termsafe.Line(vs[i].Detail)
	}
	return vs
}

func checkAccessToken(tok string, in CheckInput) []Verdict {
	if !jwtcheck.LooksLikeJWT(tok) {
		return []Verdict{{Check: "format", Outcome: NotApplicable, Detail: "opaque token: its meaning is known only to the server; introspection or an API call tells whether it works"}}
	}
	j, err := jwtcheck.Decode(tok)
	if err != nil {
		return []Verdict{{Check: "format", Outcome: Fail, Detail: "looks like a JWT but does not decode: " + err.Error()}}
	}
	out := []Verdict{signatureVerdict(tok, j, in)}
	out = append(out, timeVerdicts(j, in)...)
	out = append(out, issuerVerdict(j, in))
	if in.UsedState {
		out = append(out, stateVerdict(in))
	}
	return out
}

func signatureVerdict(tok string, j *jwtcheck.JWT, in CheckInput) Verdict {
	if strings.EqualFold(j.Alg(), "none") {
		return Verdict{"signature", Fail, "alg is none: the token is unsigned and anyone could have written it"}
	}
	if in.JWKS == nil {
		why := in.JWKSError
		if why == "" {
			why = "no key set URL is known for this provider"
		}
		return Verdict{"signature", Unverified, "not checked: " + why}
	}
	kid, err := jwtcheck.VerifySignature(tok, in.JWKS)
	if err != nil {
		return Verdict{"signature", Fail, err.Error()}
	}
	d := j.Alg() + ", verified with the server's published key"
	if kid != "" {
		d += " (kid " + kid + ")"
	}
	return Verdict{"signature", Pass, d}
}

func timeVerdicts(j *jwtcheck.JWT, in CheckInput) []Verdict {
	skew := in.Skew
	if skew == 0 {
		skew = time.Minute
	}
	var out []Verdict
	exp, hasExp := j.Time("exp")
	switch {
	case !hasExp:
		out = append(out, Verdict{"exp", Warn, "no expiry: the token works until revoked"})
	case in.Now.After(exp.Add(skew)):
		out = append(out, Verdict{"exp", Fail, "expired " + Human(in.Now.Sub(exp)) + " ago (" + exp.Local().Format("15:04:05") + "); refresh it or get a new one"})
	default:
		out = append(out, Verdict{"exp", Pass, "expires in " + Human(exp.Sub(in.Now)) + " (at " + exp.Local().Format("15:04:05") + ")"})
	}
	if nbf, ok := j.Time("nbf"); ok {
		if in.Now.Add(skew).Before(nbf) {
			out = append(out, Verdict{"nbf", Fail, "not valid before " + nbf.Local().Format("15:04:05") + ": is one of the clocks wrong?"})
		} else {
			out = append(out, Verdict{"nbf", Pass, "already valid"})
		}
	}
	if iat, ok := j.Time("iat"); ok {
		if iat.After(in.Now.Add(skew)) {
			out = append(out, Verdict{"iat", Warn, "issued " + Human(iat.Sub(in.Now)) + " in the future: the server's clock and this one differ"})
		} else {
			out = append(out, Verdict{"iat", Pass, "issued " + Human(in.Now.Sub(iat)) + " ago"})
		}
	}
	return out
}

func issuerVerdict(j *jwtcheck.JWT, in CheckInput) Verdict {
	iss := j.Str("iss")
	switch {
	case in.Issuer == "":
		return Verdict{"iss", NotApplicable, "no expected issuer is configured"}
	case iss == "":
		return Verdict{"iss", Warn, "the token names no issuer"}
	case strings.TrimRight(iss, "/") == strings.TrimRight(in.Issuer, "/"):
		return Verdict{"iss", Pass, "issued by " + iss + ", the server authplay asked"}
	}
	return Verdict{"iss", Fail, "issued by " + iss + ", but authplay asked " + in.Issuer + ": a token from another server must not be accepted"}
}

func stateVerdict(in CheckInput) Verdict {
	if in.StateChecked {
		return Verdict{"state", Pass, "the redirect carried the same state authplay sent, so it answers this request (CSRF protection, RFC 6749 §10.12)"}
	}
	return Verdict{"state", Fail, "the redirect's state was not checked"}
}

// Human writes a duration for people: "9 min 42 s", "2 h 5 min", "12 s".
func Human(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h >= 48:
		return fmt.Sprintf("%d days", h/24)
	case h > 0 && m == 0:
		return fmt.Sprintf("%d h", h)
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case m > 0 && s == 0:
		return fmt.Sprintf("%d min", m)
	case m > 0:
		return fmt.Sprintf("%d min %d s", m, s)
	}
	return fmt.Sprintf("%d s", s)
}

// CheckState checks a flow's tokens as far as the provider allows: the
// network part (PrepareChecks) and the judging (Judge) in one call.
func CheckState(ctx context.Context, env Env, st State) []Verdict {
	return Judge(st, PrepareChecks(ctx, env, st))
}

// OfflineChecks is what the checks compare against without asking the
// network: everything but the key set, so signatures stay unverified.
func OfflineChecks(now time.Time, st State) CheckInput {
	p := st.Params.Provider
	in := CheckInput{Now: now, Issuer: p.Issuer, ClientID: st.Params.ClientID,
		StateChecked: st.StateMatched, UsedState: st.AuthURL != "", JWKSError: "the key set was not fetched", CodeHashes: st.CodeHashes}
	if st.AuthURL != "" {
		in.SentState = st.StateValue
	}
	if st.sentParam("nonce") != "" {
		// Only a flow whose request carried a nonce holds its ID token to
		// one (a password grant's ID token has none to carry), and to
		// authplay's own.
		in.Nonce = st.Nonce
	}
	return in
}

// PrepareChecks gathers what the checks compare against, fetching the key
// set when one is known. A screen keeps the result and judges again as time
// passes, so "expires in" never goes stale. Keys come only from the
// provider's configured key set URL (set by hand or by the configured
// issuer's discovery), never from anything the token names (iss, jku, x5u,
// jwk): a forger would name its own.
func PrepareChecks(ctx context.Context, env Env, st State) CheckInput {
	p := st.Params.Provider
	in := OfflineChecks(env.now(), st)
	in.JWKSError = ""
	if st.Token == nil || (!jwtcheck.LooksLikeJWT(st.Token.AccessToken.Reveal()) && st.Token.IDToken == "" && st.Front == nil) {
		return in
	}
	raw, ex, err := FetchJWKS(ctx, env, p)
	if err == nil {
		in.JWKS, err = jwtcheck.ParseJWKS(raw)
	}
	if err != nil {
		in.JWKSError = termsafe.Line(err.Error())
	}
	if len(ex) > 0 {
		in.KeySetStep = keySetStep(env.now(), p.JWKSURL, ex, in.JWKS, in.JWKSError)
	}
	return in
}

// keySetStep tells of the key-set fetch the checks made.
func keySetStep(at time.Time, url string, ex []wire.Exchange, set *jose.JSONWebKeySet, failure string) *Step {
	s := &Step{Name: "key_set", Caption: "Fetch the server's public keys to check signatures", Exchanges: ex, At: at, OK: set != nil}
	if set != nil {
		s.WhatHappened = fmt.Sprintf("authplay fetched the key set at %s (%d key(s)) and checked each token's signature with the key its header names (kid). The keys come only from this configured address, never from anything a token says, since a forger would name its own. [RFC 7517 · RFC 7515 §4.1.4]", termsafe.Line(url), len(set.Keys))
	} else {
		s.WhatHappened = "authplay could not use the key set at " + termsafe.Line(url) + " (" + failure + "), so signatures stay unchecked: --strict refuses such tokens."
	}
	return s
}

// Judge checks the state's access token, its ID tokens (the token
// endpoint's, and in a hybrid flow the redirect's) and the redirect's
// issuer against in.
func Judge(st State, in CheckInput) []Verdict {
	if st.Token == nil {
		return nil
	}
	var out []Verdict
	if st.Token.AccessToken != "" {
		out = CheckAccessToken(st.Token.AccessToken.Reveal(), in)
		out = append(out, dpopVerdict(st))
		if v, ok := certificateVerdict(st); ok {
			out = append(out, v)
		}
		out = append(out, actVerdicts(st)...)
	} else {
		out = append(out, Verdict{"access_token", NotApplicable, "none was asked for: response_type=id_token brings an ID token alone"})
	}
	rt := st.sentResponseType()
	if st.Token.IDToken != "" {
		b := idBinding{accessToken: st.Token.AccessToken.Reveal(), refreshed: st.IDTokenRefreshed,
			needAtHash: st.Method == Implicit && asks(rt, "token") && !st.IDTokenRefreshed}
		out = append(out, prefixed("id_token ", checkIDToken(st.Token.IDToken.Reveal(), b, in))...)
	}
	if f := st.Front; f != nil && f.IDToken != "" {
		out = append(out, prefixed("front id_token ", checkIDToken(f.IDToken.Reveal(), f.binding(rt), in))...)
		if st.Token.IDToken != "" && !st.IDTokenRefreshed {
			out = append(out, sameSubject(f.IDToken.Reveal(), st.Token.IDToken.Reveal()))
		}
	}
	if st.AuthURL != "" {
		out = append(out, redirectIssuerVerdict(st))
	}
	return safeVerdicts(out)
}

func prefixed(prefix string, vs []Verdict) []Verdict {
	for i := range vs {
		vs[i].Check = prefix + vs[i].Check
	}
	return vs
}
