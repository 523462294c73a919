package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Phase is where a flow is.
type Phase string

const (
	PhaseReady            Phase = "ready"
	PhaseAwaitingRedirect Phase = "awaiting_redirect" // the browser is at the server
	PhaseAwaitingUser     Phase = "awaiting_user"     // device flow: the user enters the code
	PhaseExchanging       Phase = "exchanging"        // a code arrived; it is to be traded for tokens
	PhaseAuthorized       Phase = "authorized"
	PhaseFailed           Phase = "failed"
)

// State is a flow's whole memory: plain data, so the store can save it and a
// machine can be rebuilt from it after a restart.
type State struct {
	Method Method `json:"method"`
	Phase  Phase  `json:"phase"`
	Params Params `json:"params"`

	AuthURL      string `json:"auth_url,omitempty"`
	RedirectURI  string `json:"actual_redirect_uri,omitempty"` // with the real port
	StateValue   string `json:"state,omitempty"`
	Nonce        string `json:"nonce,omitempty"`
	Verifier     Secret `json:"verifier,omitempty"`
	StateMatched bool   `json:"state_matched,omitempty"`
	Code         Secret `json:"code,omitempty"` // between redirect and exchange only
	// RedirectIss is the issuer the authorization response named (RFC 9207).
	RedirectIss string `json:"redirect_iss,omitempty"`
	// Front is what a hybrid flow's redirect brought beside the code.
	Front *FrontChannel `json:"front,omitempty"`
	// CodeHashes are the code's half hashes by hash size, kept after the
	// code is spent so an ID token's c_hash can still be judged.
	CodeHashes map[string]string `json:"code_hashes,omitempty"`

	Device *DeviceState `json:"device,omitempty"`

	Seed Secret `json:"seed,omitempty"` // a refresh token or bearer token brought by the person
	// Owner is who a brought token acts for, as the API said ("user demo").
	Owner string `json:"owner,omitempty"`
	Token *Token `json:"token,omitempty"`
	// Rotated says whether the last refresh returned a new refresh token.
	Rotated   *bool `json:"rotated,omitempty"`
	Refreshes int   `json:"refreshes,omitempty"`
	// IDTokenRefreshed: the ID token held came from a refresh, whose
	// nonce OIDC Core §12.2 lets be absent.
	IDTokenRefreshed bool `json:"id_token_refreshed,omitempty"`
	// Revoked names the token revoked last ("refresh_token" or
	// "access_token"), until a refresh brings new ones.
	Revoked string     `json:"revoked,omitempty"`
	Failure *Diagnosis `json:"failure,omitempty"`

	// ClientAssertions counts the client assertions sent, so each gets its
	// own jti (clientauth.go).
	ClientAssertions int `json:"client_assertions,omitempty"`
	// DPoP is the session's DPoP key (its thumbprint) and the nonces its
	// servers gave, when the session binds its tokens (RFC 9449).
	DPoP *DPoPState `json:"dpop,omitempty"`
	// TLSThumbprint is the SHA-256 thumbprint (x5t#S256) of the TLS client
	// certificate the session presented last (RFC 8705 §3.1).
	TLSThumbprint string `json:"tls_thumbprint,omitempty"`
	// Pushed is a pushed authorization request (PAR): the reference the
	// browser carries, and until when it is good. AuthParams are the
	// authorization parameters when the browser's URL does not carry them
	// (pushed, or inside a request object), encoded as a query.
	Pushed     *PushedRequest `json:"pushed,omitempty"`
	AuthParams string         `json:"authorization_params,omitempty"`
}

// DeviceState is the device flow's pending authorization (RFC 8628 §3.2).
type DeviceState struct {
	DeviceCode              Secret        `json:"device_code"`
	UserCode                string        `json:"user_code"`
	VerificationURI         string        `json:"verification_uri"`
	VerificationURIComplete string        `json:"verification_uri_complete,omitempty"`
	Expires                 time.Time     `json:"expires"`
	Interval                wire.Duration `json:"interval"`
	NextPoll                time.Time     `json:"next_poll"`
	Polls                   int           `json:"polls"`
}

// Action asks a machine for something other than its next step. Every
// action a person takes on a token goes through the machine, so each one is
// a recorded step with the same telling as the flow's own.
type Action string

const (
	ActionNext       Action = ""
	ActionRefresh    Action = "refresh"    // trade the refresh token for a new access token
	ActionIntrospect Action = "introspect" // ask the server about the access token (RFC 7662)
	ActionRevoke     Action = "revoke"     // revoke the refresh token, or the access token (RFC 7009)
	ActionCallAPI    Action = "call_api"   // call an API with the access token (RFC 6750)
)

// Input is what the person adds to a step.
type Input struct {
	Action Action
	// API is the call ActionCallAPI makes; nil makes the provider's
	// default test call.
	API *APIRequest
	// Request, when set, is sent instead of the request the step built: a
	// person looked at it and changed it.
	Request *Request
}

// Env holds every side effect, so each can be replaced in tests.
type Env struct {
	HTTP        *http.Client
	Now         func() time.Time
	Sleep       func(context.Context, time.Duration) error
	OpenBrowser func(url string) error // nil: the person opens it
	Loopback    *loopback.Listener
	// Strict refuses to send a credential over plain http to another
	// machine (otherwise the step carries a warning).
	Strict bool
}

// record gives a step a client that records every exchange.
// It trusts the provider's extra CA, when it names one.
func (e Env) record(p Provider) (*http.Client, *wire.Recorder, error) {
	c, err := wire.Trusting(e.HTTP, p.CAFile)
	if err != nil {
		return nil, nil, err
	}
	rc, rec := wire.Record(c, e.Strict)
	return rc, rec, nil
}

// Time is the time by e.Now, or the system clock when Now is nil, for
// packages above flows (spacesig) that date the steps they record.
func (e Env) Time() time.Time { return e.now() }

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func (e Env) sleep(ctx context.Context, d time.Duration) error {
	if e.Sleep != nil {
		return e.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Step is one protocol step, told for a learner.
type Step struct {
	Name         string          `json:"name"`
	Caption      string          `json:"caption"`
	WhatHappened string          `json:"what_happened"`
	WhatNext     string          `json:"what_next,omitempty"`
	Exchanges    []wire.Exchange `json:"exchanges,omitempty"`
	Diagnosis    *Diagnosis      `json:"diagnosis,omitempty"`
	Notes        []string        `json:"notes,omitempty"`
	At           time.Time       `json:"at"`
	OK           bool            `json:"ok"`

	// Details are what the step's requests carried that no one can read
	// in them: a client assertion or request object, decoded.
	Details []string `json:"details,omitempty"`
}

// Machine is one method's state machine. Next performs exactly one protocol
// step; a failed step returns its error and leaves the machine Failed.
// Pending is the request that step would send, built from the state
// without sending it: a front door shows it first, and may let a person
// change it (Input.Request).
type Machine interface {
	Method() Method
	State() State
	// Pending is the request Next would send for in; ok is false when the
	// next step sends none of its own (it waits for a redirect).
	Pending(in Input) (req Request, ok bool, err error)
	Next(ctx context.Context, env Env, in Input) (Step, error)
}

// New rebuilds the machine for a state.
func New(st State, creds Credentials) (Machine, error) {
	b := &base{st: st, creds: creds}
	if b.st.Phase == "" {
		b.st.Phase = PhaseReady
	}
	var m method
	switch st.Method {
	case ClientCredentials:
		m = &clientCredentials{b}
	case AuthorizationCode:
		m = &authorizationCode{b}
	case Implicit:
		m = &implicit{b}
	case Password:
		m = &password{b}
	case RefreshToken:
		m = &refreshFlow{b}
	case PermanentToken:
		m = &permanentToken{b}
	case DeviceCode:
		m = &deviceCode{b}
	case TokenExchange:
		m = &tokenExchange{b}
	case JWTBearer:
		m = &jwtBearer{b}
	default:
		return nil, fmt.Errorf("unknown method %q", st.Method)
	}
	return &machine{base: b, method: m}, nil
}

// method is what each method implements: its own next request and step.
// The actions on a token (refresh, introspect, revoke, an API call) are
// the same for every method and live in machine.
type method interface {
	pending() (Request, bool, error)
	next(ctx context.Context, env Env, in Input) (Step, error)
}

// machine runs a method's steps and the actions common to all methods.
type machine struct {
	*base
	method method
}

// Pending finishes the request as a send would (a DPoP proof), so the
// preview shows it; the send makes those parts afresh.
func (m *machine) Pending(in Input) (Request, bool, error) {
	var req Request
	var ok bool
	var err error
	if in.Action != ActionNext {
		req, ok, err = m.pendingAction(in)
	} else {
		req, ok, err = m.method.pending()
	}
	if ok && err == nil && !req.Browser {
		req, err = m.finishAll(Env{}, req)
	}
	return req, ok, err
}

// Next performs one step. Each step carries, among its notes, every
// warning about how its requests were sent, once.
func (m *machine) Next(ctx context.Context, env Env, in Input) (Step, error) {
	var step Step
	var err error
	m.sent = nil
	var overrides []string
	if req, ok, perr := m.Pending(in); perr == nil && ok && in.Request == nil {
		overrides = req.Overrides
	}
	m.run = nil // after the preview above: it signs a proof of its own
	if in.Action != ActionNext {
		step, err = m.act(ctx, env, in)
	} else {
		step, err = m.method.next(ctx, env, in)
	}
	for _, r := range m.sent {
		step.Details = append(step.Details, RequestDetails(r, m.st.Params)...)
	}
	for _, k := range overrides {
		step.Notes = append(step.Notes, OverrideNote(k))
	}
	for _, ex := range step.Exchanges {
		for _, warn := range ex.Warnings {
			if !slices.Contains(step.Notes, warn) {
				step.Notes = append(step.Notes, warn)
			}
		}
	}
	m.tellDPoP(&step)
	return step, err
}

// ErrFinished is what a finished flow answers when asked for another step.
var ErrFinished = errors.New("the flow is finished; start a new one")

// Start returns the first state of a method with these params. The random
// values its requests carry (state, nonce, PKCE verifier) are made here, so
// the request a front door shows before the run is the one that is sent.
func Start(m Method, p Params) State {
	if p.PKCE == "" {
		p.PKCE = PKCES256
	}
	if p.Timeout == 0 {
		p.Timeout = wire.Duration(5 * time.Minute)
	}
	return State{Method: m, Phase: PhaseReady, Params: p, StateValue: randomToken(), Nonce: randomToken(), Verifier: Secret(oauth2.GenerateVerifier()), DPoP: startDPoP(m, p)}
}

// Start begins a run of the draft: its first state, and the secrets the run
// holds in memory.
func (d Draft) Start() (State, Credentials) {
	st := Start(d.Method, d.Params)
	st.Seed = d.Seed
	return st, d.Creds
}

// Restart is Start keeping the random values of an earlier start, so a
// preview that follows a person's edits keeps its state and verifier.
func (d Draft) Restart(prev State) (State, Credentials) {
	st, creds := d.Start()
	if prev.Method == d.Method {
		st.StateValue, st.Nonce, st.Verifier = prev.StateValue, prev.Nonce, prev.Verifier
	}
	if st.DPoP != nil && prev.DPoP != nil && prev.DPoP.Key != nil {
		st.DPoP = prev.DPoP // the key the preview showed is the run's
	}
	return st, creds
}

type base struct {
	st    State
	creds Credentials
	sent  []Request // this step's requests, as sent
	run   *dpopRun  // what DPoP did during the step under way
}

// authStyle is how this run authenticates the client: the chosen style, or
// for auto, Basic with a secret and a public client without one.
func (b *base) authStyle() AuthStyle { return b.st.Params.AuthStyle.Resolve(b.creds.ClientSecret) }

func (b *base) Method() Method { return b.st.Method }
func (b *base) State() State   { return b.st }

func (b *base) explainContext(endpoint string) ExplainContext { return b.st.ExplainContext(endpoint) }

// fail records a failed step: the machine is Failed and the step carries
// the diagnosis, fix first.
func (b *base) fail(step Step, err error, endpoint string) (Step, error) {
	if b.st.RedirectURI == "" {
		b.st.RedirectURI = b.st.Params.RedirectURI
	}
	d := Explain(err, b.explainContext(endpoint))
	var rf *Refusal
	if errors.As(err, &rf) {
		d = rf.diagnosis()
	}
	b.st.Phase = PhaseFailed
	b.st.Failure = d
	step.Diagnosis = d
	step.OK = false
	step.WhatNext = "Fix what the diagnosis names, then run the flow again."
	return step, err
}

func (b *base) timeout() time.Duration {
	if b.st.Params.Timeout > 0 {
		return time.Duration(b.st.Params.Timeout)
	}
	return 5 * time.Minute
}

// authorized stores the token and moves to Authorized.
// The token's notes gain what a person should know about what was granted.
func (b *base) authorized(t *Token) {
	if n := narrowerScope(b.st.Params.Scope, *t); n != "" {
		t.Notes = append(t.Notes, n)
	}
	saved := *t
	b.st.Token = &saved
	b.st.Phase = PhaseAuthorized
	b.st.Failure = nil
}

// principal says on whose behalf the current token acts, as well as the
// token itself can tell: a JWT's principal, or the method's nature.
// ActsFor adds who acts for it, when the token names an actor.
func (st State) principal() string {
	if st.Token != nil && st.Token.AccessToken == "" && st.Token.IDToken != "" {
		// response_type=id_token: no token acts for anyone; the ID token
		// says who signed in.
		if j, err := jwtcheck.Decode(st.Token.IDToken.Reveal()); err == nil && j.Str("preferred_username") != "" {
			return "nobody: user " + termsafe.Line(j.Str("preferred_username")) + " signed in"
		}
		return "nobody: an ID token alone"
	}
	if st.Token != nil && jwtcheck.LooksLikeJWT(st.Token.AccessToken.Reveal()) {
		if j, err := jwtcheck.Decode(st.Token.AccessToken.Reveal()); err == nil {
			switch j.Str("principal_type") {
			case "USER":
				return "user " + termsafe.Line(j.Str("name"))
			case "SERVICE", "APPLICATION":
				return "the application " + termsafe.Line(j.Str("name"))
			}
			if n := j.Str("preferred_username"); n != "" {
				return "user " + termsafe.Line(n)
			}
		}
	}
	switch {
	case st.Owner != "":
		return st.Owner
	case st.Method == ClientCredentials:
		return "the application itself"
	case st.Method == PermanentToken:
		return "the token's owner"
	}
	return "the user who signed in"
}

// narrowerScope says when the server granted less than was asked: a token
// that looks like success but may do nothing (RFC 6749 §3.3: the server
// may narrow the scope, and must then say so).
func narrowerScope(asked string, t Token) string {
	if !t.ScopeReturned || asked == "" {
		return ""
	}
	granted := strings.Fields(t.Scope)
	if len(granted) == 0 {
		return "The server granted no scope at all, although " + asked + " was asked for: the token is valid but may do nothing. Check the rights or scopes the client is allowed."
	}
	var missing []string
	for _, s := range strings.Fields(asked) {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 || asked == "**" {
		return ""
	}
	return "The server granted less than asked: " + strings.Join(missing, " ") + " is missing (granted: " + t.Scope + "). The client may not be allowed it, or the user did not consent to it."
}
