package flows

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// The JWT-bearer grant (RFC 7523 §2.1, RFC 7521 §4.1): the client presents
// a JWT that an issuer the server trusts signed about a user, and gets a
// token for that user with no browser and no password. The server checks
// the signature with the issuer's key, and aud, exp and jti so that a
// copied assertion is worth little.

var jwtBearerInfo = MethodInfo{
	Method: JWTBearer, Title: "JWT Bearer", ActsFor: "a user", Status: "trusted issuer", Recommended: true,
	Summary: "The application presents a JWT that an issuer the server trusts signed about a user, and gets a token for that user: no browser, no password. Each assertion is good once (jti) and briefly (exp).",
	Refs:    "RFC 7523 §2.1 · RFC 7521 §4.1",
}

var jwtBearerSpec = Spec{
	Info:   jwtBearerInfo,
	Fields: slices.Concat([]FieldID{FieldTokenURL}, clientFields, []FieldID{FieldAssertion, FieldScope, FieldAuthStyle, FieldTLSCertFile, FieldTLSKeyFile, FieldCAFile, FieldTokenParams, FieldDPoP}),
	Stages: []string{"Configure", "Present assertion", "Inspect"},
}

const assertionHint = "the signed JWT (or --assertion-file): iss an issuer the server trusts, sub the user, aud the token URL, exp soon, a fresh jti"

// jwtBearer: Ready -> Authorized | Failed. An assertion is good for one
// request, so there is no second exchange with the same one.
type jwtBearer struct{ *base }

func (m *jwtBearer) assertion() string { return strings.TrimSpace(m.creds.Assertion.Reveal()) }

func (m *jwtBearer) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady {
		return Request{}, false, nil
	}
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, false, err
	}
	a := m.assertion()
	if a == "" {
		return Request{}, false, settingMissing("there is no assertion: give the signed JWT to present")
	}
	if _, err := jwtcheck.Decode(a); err != nil {
		return Request{}, false, settingWrong("Give the whole signed assertion: three base64url parts joined by dots (header.claims.signature), as its issuer wrote it. For the built-in server, the README's recipe signs one with the key `authplay demo-server --print-client-key` prints.",
			"the assertion is not a JWT (%s): a JWT-bearer grant presents a signed JWT", termsafe.Line(err.Error()))
	}
	form := url.Values{"grant_type": {grantJWTBearer}, "assertion": {a}}
	if p.Scope != "" {
		form.Set("scope", p.Scope)
	}
	return m.tokenRequest(PurposeToken, p.Provider.TokenURL, form), true, nil
}

func (m *jwtBearer) next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady {
		return Step{}, ErrFinished
	}
	step := Step{Name: "jwt_bearer", Caption: "Present the signed assertion to the token endpoint", At: env.now()}
	p := m.st.Params
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	j, _ := jwtcheck.Decode(m.assertion()) // pending decoded it
	decoded := assertionLines(j, env.now())
	step.Notes = assertionWarnings(j, env.now(), p.Provider.TokenURL, p.Provider.Issuer)
	tok, exchanges, err := m.sendForToken(ctx, env, in, req)
	step.Exchanges = exchanges
	if err != nil {
		step.WhatHappened = "authplay presented the assertion (grant_type jwt-bearer), and the server refused it. The assertion, decoded:\n" + decoded
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = append(step.Notes, tok.Notes...)
	step.WhatHappened = "authplay presented a JWT signed by " + orUnnamed(claimText(j.Claims["iss"])) + " about " + orUnnamed(claimText(j.Claims["sub"])) +
		" (grant_type jwt-bearer). The server checked the signature with the key it holds for that issuer, and aud, exp and jti, then issued a token that acts for that subject: it took the issuer's word, with no browser and no password. [RFC 7523 §2.1, §3]\nThe assertion, decoded (the request shows it masked):\n" + decoded
	step.WhatNext = "Inspect the token. For another one, make a new assertion: a server refuses the same jti twice."
	return step, nil
}

func orUnnamed(s string) string {
	if s == "" {
		return "(not named)"
	}
	return s
}

// assertionClaims are the claims RFC 7523 §3 gives an assertion, with what
// each is for, in the order a person reads them.
var assertionClaims = []struct{ name, meaning string }{
	{"iss", "who vouches for the subject; the server must trust this issuer and hold its public key"},
	{"sub", "whom the token will act for, usually a user"},
	{"aud", "the server the assertion is meant for (its token URL or issuer); any other must refuse it"},
	{"exp", "when it stops being accepted: minutes away, so a copied one soon is worthless"},
	{"nbf", "not accepted before this time"},
	{"iat", "when it was made"},
	{"jti", "a unique ID: the server remembers it and refuses the same assertion twice"},
}

// assertionLines writes an assertion's header and claims, each with what it
// is for; the issuer of the JWT wrote every value, so each is bounded and
// made safe to print.
func assertionLines(j *jwtcheck.JWT, now time.Time) string {
	var b strings.Builder
	alg, _ := j.Header["alg"].(string)
	fmt.Fprintf(&b, "  signed with %s", orUnnamed(termsafe.Line(wire.Head(alg, 20))))
	if kid := claimText(j.Header["kid"]); kid != "" {
		b.WriteString(" (kid " + kid + ")")
	}
	b.WriteString(": the issuer's private key, which only it holds")
	for _, c := range assertionClaims {
		v, ok := j.Claims[c.name]
		if !ok {
			if c.name != "nbf" && c.name != "iat" {
				fmt.Fprintf(&b, "\n  %s (missing): %s", c.name, c.meaning)
			}
			continue
		}
		shown := claimText(v)
		if t, ok := j.Time(c.name); ok {
			shown = t.UTC().Format("15:04:05 UTC")
			if d := t.Sub(now); d >= 0 {
				shown += " (in " + Human(d) + ")"
			} else {
				shown += " (" + Human(-d) + " ago)"
			}
		} else if c.name == "aud" {
			shown = termsafe.Line(wire.Head(strings.Join(j.Audience(), ", "), 2*actText))
		}
		fmt.Fprintf(&b, "\n  %s %s: %s", c.name, shown, c.meaning)
	}
	return b.String()
}

// assertionWarnings are what can be told before the server answers: an
// assertion the server will likely refuse, and why.
func assertionWarnings(j *jwtcheck.JWT, now time.Time, tokenURL, issuer string) []string {
	var out []string
	if alg, _ := j.Header["alg"].(string); strings.EqualFold(alg, "none") || alg == "" {
		out = append(out, "The assertion is unsigned (alg none): it proves nothing, and a server must refuse it.")
	}
	if aud := j.Audience(); len(aud) > 0 && !slices.Contains(aud, tokenURL) && (issuer == "" || !slices.Contains(aud, issuer)) {
		out = append(out, "The assertion's aud ("+termsafe.Line(wire.Head(strings.Join(aud, ", "), 2*actText))+") names neither this token URL ("+tokenURL+") nor the issuer: the server will likely refuse it (RFC 7523 §3).")
	}
	if exp, ok := j.Time("exp"); !ok {
		out = append(out, "The assertion has no exp: RFC 7523 §3 requires one.")
	} else if exp.Before(now) {
		out = append(out, "The assertion expired "+Human(now.Sub(exp))+" ago: make a new one.")
	}
	if _, ok := j.Claims["jti"]; !ok {
		out = append(out, "The assertion has no jti: a server that guards against replay wants one, fresh each time.")
	}
	return out
}
