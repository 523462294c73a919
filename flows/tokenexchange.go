package flows

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Token exchange (RFC 8693): a service that was called with a token trades
// it at the token endpoint for a new one aimed at the next service, so the
// token it received never travels further than it was meant to. With an
// actor token the new token says who acts for the subject (delegation);
// without one it simply is the subject's (impersonation).

var tokenExchangeInfo = MethodInfo{
	Method: TokenExchange, Title: "Token Exchange", ActsFor: "the subject", Status: "service to service", Recommended: true,
	Summary: "A service trades the token it was called with for one aimed at the next service. With an actor token the new token names who acts for the subject (delegation); without one it simply is the subject's (impersonation).",
	Refs:    "RFC 8693 · RFC 8707",
}

var tokenExchangeSpec = Spec{
	Info: tokenExchangeInfo,
	Fields: slices.Concat([]FieldID{FieldTokenURL}, clientFields, []FieldID{
		FieldSubjectToken, FieldSubjectTokenType, FieldActorToken, FieldActorTokenType,
		FieldAudience, FieldResource, FieldRequestedTokenType, FieldScope, FieldAuthStyle, FieldTLSCertFile, FieldTLSKeyFile, FieldCAFile, FieldTokenParams, FieldDPoP,
	}),
	Stages: []string{"Configure", "Exchange", "Inspect"},
}

// tokenExchange: Ready -> Authorized (-> exchange again) | Failed.
type tokenExchange struct{ *base }

// subjectToken and actorToken are the tokens as given, without the blanks
// a paste or a file may add: a token never holds any.
func (m *tokenExchange) subjectToken() string {
	return strings.TrimSpace(m.creds.SubjectToken.Reveal())
}
func (m *tokenExchange) actorToken() string { return strings.TrimSpace(m.creds.ActorToken.Reveal()) }

func (m *tokenExchange) pending() (Request, bool, error) {
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Request{}, false, nil
	}
	p := m.st.Params
	x := p.Exchange
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, false, err
	}
	if m.subjectToken() == "" {
		return Request{}, false, settingMissing("there is no subject token: give the token to exchange")
	}
	if x.Resource != "" {
		if why := resourceProblem(x.Resource); why != "" {
			return Request{}, false, settingMissing("the resource %s is %s", termsafe.Line(x.Resource), why)
		}
	}
	form := url.Values{"grant_type": {grantTokenExchange}, "subject_token": {m.subjectToken()}, "subject_token_type": {x.subjectType()}}
	if a := m.actorToken(); a != "" {
		form.Set("actor_token", a)
		form.Set("actor_token_type", x.actorType())
	}
	for k, v := range map[string]string{"audience": x.Audience, "resource": x.Resource, "requested_token_type": x.RequestedTokenType, "scope": p.Scope} {
		if v != "" {
			form.Set(k, v)
		}
	}
	return m.tokenRequest(PurposeToken, p.Provider.TokenURL, form), true, nil
}

func (m *tokenExchange) next(ctx context.Context, env Env, in Input) (Step, error) {
	if m.st.Phase != PhaseReady && m.st.Phase != PhaseAuthorized {
		return Step{}, ErrFinished
	}
	step := Step{Name: "token_exchange", Caption: "Trade the subject token for a token aimed at the next service", At: env.now()}
	if m.st.Phase == PhaseAuthorized {
		step.Caption = "Exchange the subject token again"
	}
	p := m.st.Params
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	rec, err := m.send(ctx, env, in, req)
	step.Exchanges = rec.Exchanges()
	sent := m.sentWords()
	tok, err := exchangeResult(rec, err, env.now())
	if err != nil {
		step.WhatHappened = sent + ", and the server refused."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	issued, said := issuedType(tok)
	if !said {
		step.Notes = append(step.Notes, "The answer has no issued_token_type, which RFC 8693 §2.2.1 requires: the client is left to guess what it got.")
	}
	if tok.TokenType == tokenTypeNotApplicable {
		step.Notes = append(step.Notes, "token_type is N_A: the server says the new token is not an access token (RFC 8693 §2.2.1), so an API will likely refuse it as one.")
	}
	semantics, note := delegationWords(tok, m.actorToken() != "", p.ClientID)
	if note != "" {
		step.Notes = append(step.Notes, note)
	}
	step.WhatHappened = sent + ". The server answered with " + issued + " (issued_token_type). " + semantics + " [RFC 8693 §2]"
	step.WhatNext = "Inspect the new token: aud says which service it is for, act who acts for the subject. Call the next service with it; the subject token is unchanged."
	return step, nil
}

// sentWords says what the request asked, for the step's telling.
func (m *tokenExchange) sentWords() string {
	x := m.st.Params.Exchange
	var b strings.Builder
	b.WriteString("authplay sent the subject token, " + tokenTypeWords(x.subjectType()))
	if m.actorToken() != "" {
		b.WriteString(", and an actor token, " + tokenTypeWords(x.actorType()) + ",")
	}
	b.WriteString(" to the token endpoint (grant_type token-exchange), authenticating the client " + authStyleWords(m.authStyle()))
	if x.Audience != "" {
		b.WriteString("; audience " + termsafe.Line(x.Audience))
	}
	if x.Resource != "" {
		b.WriteString("; resource " + termsafe.Line(x.Resource))
	}
	if x.RequestedTokenType != "" {
		b.WriteString("; asking for " + tokenTypeWords(x.RequestedTokenType))
	}
	if s := m.st.Params.Scope; s != "" {
		b.WriteString("; scope " + termsafe.Line(s))
	}
	return b.String()
}

// tokenTypeNotApplicable is the token_type of an issued token that is not
// an access token (RFC 8693 §2.2.1).
const tokenTypeNotApplicable = "N_A"

// exchangeResult reads a token exchange's answer as any token answer,
// except that token_type may be N_A there: the token is kept, and said to
// be no access token.
func exchangeResult(rec *wire.Recorder, callErr error, now time.Time) (Token, error) {
	ct, body, err := outcome(rec, callErr)
	if err != nil {
		return Token{}, err
	}
	fields, err := decodeFields(ct, body)
	if err != nil || fields["token_type"] != tokenTypeNotApplicable {
		return tokenResult(rec, callErr, now)
	}
	fields["token_type"] = "Bearer" // read as usual, then said as it was
	asBearer, err := json.Marshal(fields)
	if err != nil {
		return Token{}, answered(rec, err)
	}
	tok, err := ParseTokenResponse("application/json", asBearer, now)
	if err != nil {
		return tok, answered(rec, err)
	}
	if isJSON(ct, body) {
		tok.Raw = append(json.RawMessage(nil), body...)
	}
	tok.TokenType = tokenTypeNotApplicable
	return tok, nil
}

// issuedType is the answer's issued_token_type in words, and whether the
// answer had one.
func issuedType(tok Token) (words string, said bool) {
	var answer struct {
		IssuedTokenType *string `json:"issued_token_type"`
	}
	if json.Unmarshal(tok.Raw, &answer) != nil || answer.IssuedTokenType == nil {
		return "a token of a type it did not name", false
	}
	return tokenTypeWords(*answer.IssuedTokenType), true
}

// delegationWords tells delegation from impersonation by the new token's
// act claim, when the token is a JWT that can be read; note warns when an
// actor token was sent but the new token names no actor.
func delegationWords(tok Token, sentActor bool, client string) (words, note string) {
	at := tok.AccessToken.Reveal()
	if !jwtcheck.LooksLikeJWT(at) {
		return "The new token is opaque, so only the server knows whether it names an actor; introspection may show an act member.", ""
	}
	j, err := jwtcheck.Decode(at)
	if err != nil {
		return "The new token looks like a JWT but does not decode, so whether it names an actor is unknown.", ""
	}
	act, ok := j.Claims["act"]
	if !ok {
		words = "It has no act claim: it simply acts as the subject (impersonation), and a service that receives it cannot tell that " + orQuote(termsafe.Line(client)) + " asked for it."
		if sentActor {
			note = "An actor token was sent, but the new token names no actor: the server chose impersonation, or keeps the actor to itself."
		}
		return words, note
	}
	return "Its act claim says " + ActDescription(act) + " (delegation): a service that receives it sees both whom the token is about and who is using it.", ""
}
