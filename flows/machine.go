package flows

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// AuthStyle is how the client proves who it is at the token endpoint.
type AuthStyle string

const (
	// AuthAuto is the default: Basic when there is a client secret, and a
	// public client (client_id in the body) when there is none, so an
	// empty secret is never sent as "Basic id:".
	AuthAuto  AuthStyle = ""
	AuthBasic AuthStyle = "basic" // HTTP Basic header: Space, most servers
	AuthBody  AuthStyle = "body"  // client_id and client_secret in the form
	AuthNone  AuthStyle = "none"  // public client: client_id only, PKCE instead of a secret
)

// Resolve turns AuthAuto into the style to use with this secret; a style
// the person chose stays as chosen.
func (a AuthStyle) Resolve(secret Secret) AuthStyle {
	switch {
	case a != AuthAuto:
		return a
	case secret == "":
		return AuthNone
	}
	return AuthBasic
}

// Method is the RFC 8414 name of the style.
func (a AuthStyle) Method() string {
	switch a {
	case AuthBody:
		return "client_secret_post"
	case AuthNone:
		return "none"
	}
	return "client_secret_basic"
}

func (a AuthStyle) oauth2() oauth2.AuthStyle {
	if a == AuthBasic || a == "" {
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

// ParseAuthStyle reads auto (or nothing), basic, body or none.
func ParseAuthStyle(s string) (AuthStyle, error) {
	switch AuthStyle(s) {
	case AuthBasic, AuthBody, AuthNone:
		return AuthStyle(s), nil
	case "", "auto":
		return AuthAuto, nil
	}
	return "", fmt.Errorf("client authentication %q: choose auto, basic, body or none", s)
}

// PKCEMethod is the code challenge method, or off.
type PKCEMethod string

const (
	PKCES256  PKCEMethod = "S256"
	PKCEPlain PKCEMethod = "plain"
	PKCEOff   PKCEMethod = "off"
)

// ParsePKCE reads S256, plain or off.
func ParsePKCE(s string) (PKCEMethod, error) {
	switch PKCEMethod(s) {
	case PKCES256, PKCEPlain, PKCEOff:
		return PKCEMethod(s), nil
	case "":
		return PKCES256, nil
	}
	return "", fmt.Errorf("PKCE method %q: choose S256, plain or off", s)
}

const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Params are a flow's settings: everything but secrets, so they can be saved.
type Params struct {
	Provider           Provider      `json:"provider"`
	ClientID           string        `json:"client_id"`
	AuthStyle          AuthStyle     `json:"auth_style"`
	Scope              string        `json:"scope"`
	RedirectURI        string        `json:"redirect_uri,omitempty"`
	PKCE               PKCEMethod    `json:"pkce,omitempty"`
	AccessType         string        `json:"access_type,omitempty"`         // Space: online or offline
	RequestCredentials string        `json:"request_credentials,omitempty"` // Space: default, required, skip, silent
	Username           string        `json:"username,omitempty"`
	Timeout            wire.Duration `json:"timeout,omitempty"` // how long to wait for a person
}

// Credentials are the secrets a flow needs. They are never part of State, so
// nothing that persists State can leak them.
type Credentials struct {
	ClientSecret Secret
	Password     Secret
}

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

	Device *DeviceState `json:"device,omitempty"`

	Seed Secret `json:"seed,omitempty"` // a refresh token or bearer token brought by the person
	// Owner is who a brought token acts for, as the API said ("user demo").
	Owner string `json:"owner,omitempty"`
	Token *Token `json:"token,omitempty"`
	// Rotated says whether the last refresh returned a new refresh token.
	Rotated   *bool      `json:"rotated,omitempty"`
	Refreshes int        `json:"refreshes,omitempty"`
	Failure   *Diagnosis `json:"failure,omitempty"`
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

// Action asks a machine for something other than its next step.
type Action string

const (
	ActionNext    Action = ""
	ActionRefresh Action = "refresh" // use the refresh token now
)

// Input is what the person adds to a step.
type Input struct {
	Action Action
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
func (e Env) record() (*http.Client, *wire.Recorder) { return wire.Record(e.HTTP, e.Strict) }

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Time is the time by e.Now, or the system clock when Now is nil, for
// packages above flows (spacesig) that date the steps they record.
func (e Env) Time() time.Time { return e.now() }

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
}

// Machine is one method's state machine. Next performs exactly one protocol
// step; a failed step returns its error and leaves the machine Failed.
type Machine interface {
	Method() Method
	State() State
	Next(ctx context.Context, env Env, in Input) (Step, error)
	Done() bool
}

// New rebuilds the machine for a state. Each step it takes carries, among
// its notes, every warning about how its requests were sent.
func New(st State, creds Credentials) (Machine, error) {
	m, err := newMachine(st, creds)
	if err != nil {
		return nil, err
	}
	return warnedMachine{m}, nil
}

// warnedMachine lifts each exchange's warnings into its step's notes, so a
// person sees them wherever the step is shown, once per step.
type warnedMachine struct{ Machine }

func (w warnedMachine) Next(ctx context.Context, env Env, in Input) (Step, error) {
	step, err := w.Machine.Next(ctx, env, in)
	for _, ex := range step.Exchanges {
		for _, warn := range ex.Warnings {
			if !slices.Contains(step.Notes, warn) {
				step.Notes = append(step.Notes, warn)
			}
		}
	}
	return step, err
}

func newMachine(st State, creds Credentials) (Machine, error) {
	b := base{st: st, creds: creds}
	if b.st.Phase == "" {
		b.st.Phase = PhaseReady
	}
	switch st.Method {
	case ClientCredentials:
		return &clientCredentials{b}, nil
	case AuthorizationCode:
		return &authorizationCode{b}, nil
	case Implicit:
		return &implicit{b}, nil
	case Password:
		return &password{b}, nil
	case RefreshToken:
		return &refreshFlow{b}, nil
	case PermanentToken:
		return &permanentToken{b}, nil
	case DeviceCode:
		return &deviceCode{b}, nil
	}
	return nil, fmt.Errorf("unknown method %q", st.Method)
}

// Start returns the first state of a method with these params.
func Start(m Method, p Params) State {
	if p.PKCE == "" {
		p.PKCE = PKCES256
	}
	return State{Method: m, Phase: PhaseReady, Params: p}
}

type base struct {
	st    State
	creds Credentials
}

// authStyle is how this run authenticates the client: the chosen style, or
// for auto, Basic with a secret and a public client without one.
func (b *base) authStyle() AuthStyle { return b.st.Params.AuthStyle.Resolve(b.creds.ClientSecret) }

func (b *base) Method() Method { return b.st.Method }
func (b *base) State() State   { return b.st }
func (b *base) Done() bool     { return b.st.Phase == PhaseFailed }

func (b *base) explainContext(endpoint string) ExplainContext {
	return ExplainContext{
		Space: b.st.Params.Provider.Kind == KindSpace || b.st.Params.Provider.Builtin, Method: b.st.Method,
		ClientID: b.st.Params.ClientID, RedirectURI: b.st.RedirectURI, Scope: b.st.Params.Scope, Endpoint: endpoint,
	}
}

// fail records a failed step: the machine is Failed and the step carries
// the diagnosis, fix first.
func (b *base) fail(step Step, err error, endpoint string) (Step, error) {
	if b.st.RedirectURI == "" {
		b.st.RedirectURI = b.st.Params.RedirectURI
	}
	d := Explain(err, b.explainContext(endpoint))
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
func (b *base) authorized(t Token) {
	b.st.Token = &t
	b.st.Phase = PhaseAuthorized
	b.st.Failure = nil
}

// ActsFor says on whose behalf the current token acts, as well as the token
// itself can tell: a JWT's principal, or the method's nature.
func (st State) ActsFor() string {
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
