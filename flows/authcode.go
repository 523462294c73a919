package flows

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
)

// authorizationCode: Ready -> AwaitingRedirect -> Exchanging -> Authorized
// (-> refresh -> Authorized) | Failed. RFC 6749 §4.1 with RFC 7636 PKCE.
type authorizationCode struct{ *base }

func (m *authorizationCode) pending() (Request, bool, error) {
	switch m.st.Phase {
	case PhaseReady:
		if m.pushes() && m.st.Pushed == nil {
			req, err := m.pushRequest(m.st.Params.RedirectURI, false)
			return req, err == nil, err
		}
		req, err := m.browserRequest(m.st.Params.RedirectURI, time.Now(), false)
		return req, err == nil, err
	case PhaseExchanging:
		req, err := m.exchangeRequest()
		return req, err == nil, err
	}
	return Request{}, false, nil
}

func (m *authorizationCode) next(ctx context.Context, env Env, in Input) (Step, error) {
	switch m.st.Phase {
	case PhaseReady:
		if m.pushes() && m.st.Pushed == nil {
			return m.push(ctx, env, in)
		}
		step, err := m.start(env, in)
		if err == nil {
			m.startText(&step)
		}
		return step, err
	case PhaseAwaitingRedirect:
		step, r, err := m.waitRedirect(ctx, env)
		if err != nil {
			return step, err
		}
		return m.received(env, step, r)
	case PhaseExchanging:
		return m.exchange(ctx, env, in)
	}
	return Step{}, ErrFinished
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b) //nolint:errcheck // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func wantsOpenID(scope string) bool { return slices.Contains(strings.Fields(scope), "openid") }

// authorizationRequest is the URL the browser is sent to (RFC 6749 §4.1.1,
// §4.2.1, OIDC Core §3), with this run's response type, state, PKCE
// challenge and nonce, Space's parameters for Space, and the person's own.
func (b *base) authorizationRequest(redirectURI string) (Request, error) {
	p := b.st.Params
	responseType := p.responseType(b.st.Method)
	if err := requireURL("authorization URL", p.Provider.AuthURL); err != nil {
		return Request{}, err
	}
	u, err := url.Parse(p.Provider.AuthURL)
	if err != nil {
		return Request{}, err
	}
	q := u.Query() // an endpoint may carry a query of its own; keep it
	q.Set("response_type", responseType)
	q.Set("client_id", p.ClientID)
	q.Set("redirect_uri", redirectURI)
	if p.Scope != "" {
		q.Set("scope", p.Scope)
	}
	q.Set("state", b.st.StateValue)
	if p.ResponseMode != "" {
		q.Set("response_mode", p.ResponseMode)
	}
	space := p.spaceParams()
	if asks(responseType, "code") {
		switch p.PKCE {
		case PKCES256:
			q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(b.st.Verifier.Reveal()))
			q.Set("code_challenge_method", "S256")
		case PKCEPlain:
			q.Set("code_challenge", b.st.Verifier.Reveal())
			q.Set("code_challenge_method", "plain")
		}
	} else {
		space.Del("access_type") // no code, no refresh token to ask for
	}
	for k, vs := range space {
		q[k] = vs
	}
	if p.wantsIDToken(b.st.Method) {
		q.Set("nonce", b.st.Nonce) // OIDC Core §3.2.2.1: required wherever an ID token comes from the redirect
	}
	overrides := p.AuthParams.applyTo(q)
	u.RawQuery = q.Encode()
	return Request{Purpose: PurposeAuthorization, Method: http.MethodGet, URL: u.String(), Browser: true, Overrides: overrides}, nil
}

// start opens the loopback listener, builds the authorization URL with the
// listener's real address and sends the browser there.
//
// A person may have changed the URL first (step mode): then that URL is
// the one sent, with the redirect URI's port filled in if it asked for any
// free port.
func (b *base) start(env Env, in Input) (Step, error) {
	step := Step{Name: "authorization_request", Caption: "Build the authorization URL and send the browser to it", At: env.now()}
	p := b.st.Params
	b.prepareRandoms()
	draft, err := b.authorizationRequest(p.RedirectURI)
	if err != nil {
		return b.fail(step, err, p.Provider.AuthURL)
	}
	// The listener expects what the URL asks for; only the port changes.
	// After a push it is open already, at the address that was pushed.
	b.st.AuthURL = draft.URL
	listen := p.RedirectURI
	if b.st.Pushed != nil {
		listen = b.st.RedirectURI
	}
	redirect, err := env.Loopback.Prepare(listen, b.expect())
	if err != nil {
		b.st.AuthURL = ""
		return b.fail(step, err, p.RedirectURI)
	}
	b.st.RedirectURI = redirect
	req, err := b.browserRequest(redirect, env.now(), true)
	if err != nil {
		env.Loopback.Close(redirect)
		return b.fail(step, err, p.Provider.AuthURL)
	}
	if in.Request != nil {
		req.URL = b.editedBrowserURL(withRedirect(in.Request.URL, p.RedirectURI, redirect), redirect, env.now())
	}
	b.noteFrontChannel(req.URL)
	step.Details = frontChannelDetails(Request{URL: req.URL, Browser: true})
	b.st.AuthURL = req.URL
	if in.Request != nil {
		// The edited URL may ask for the answer another way (response_mode):
		// the listener, open at this address already, is told.
		if _, err := env.Loopback.Prepare(redirect, b.expect()); err != nil {
			return b.fail(step, err, redirect)
		}
	}
	b.st.Phase = PhaseAwaitingRedirect
	step.OK = true
	// The authorization request is part of the record like any exchange:
	// the browser sends it, authplay only built it.
	step.Exchanges = append(step.Exchanges, wire.Exchange{Request: req.Shown()})
	openBrowser(env, b.st.AuthURL, &step)
	return step, nil
}

func (m *authorizationCode) startText(step *Step) {
	p := m.st.Params
	lint := append(p.Provider.Lint(AuthorizationCode, m.authStyle(), p.Scope, p.PKCE), p.Provider.LintResponse(m.st.sentResponseType(), m.st.sentParam("response_mode"))...)
	step.Notes = append(lint, step.Notes...)
	step.WhatHappened = "authplay made a random state, which the server will send back so authplay can tell its own redirect from a forged one. " +
		pkceWords(p.PKCE) + " It is listening at " + m.st.RedirectURI + " for the browser to come back. [RFC 6749 §4.1.1 · RFC 8252 §7.3]"
	step.WhatNext = "Sign in and accept in the browser. The server then sends the browser to the redirect URI with a one-time code."
	if words := m.frontChannelWords(); words != "" {
		step.WhatHappened = words + " " + step.WhatHappened
	}
}

func pkceWords(p PKCEMethod) string {
	switch p {
	case PKCES256:
		return "It also made a PKCE code_verifier, a secret that stays here: only its SHA-256 hash (the code_challenge) goes to the server, so a stolen code is useless without it."
	case PKCEPlain:
		return "PKCE is set to plain: the code_verifier itself goes to the server as the challenge, which protects far less than S256. Use plain only for a server that cannot do S256."
	}
	return "PKCE is off: anyone who intercepts the code can redeem it. Turn PKCE on unless the server rejects it."
}

func openBrowser(env Env, url string, step *Step) {
	if env.OpenBrowser == nil {
		return
	}
	if err := OpenableURL(url); err != nil {
		step.Notes = append(step.Notes, "Not opened in a browser: "+err.Error())
		return
	}
	if err := env.OpenBrowser(url); err != nil {
		step.Notes = append(step.Notes, "The browser could not be opened ("+err.Error()+"): open the URL yourself, or paste the URL you end on.")
	}
}

// waitRedirect waits for the browser, re-opening the listener if the
// program restarted since the URL was made. A non-nil error ends the step
// as it is: failed, or interrupted with the flow still waiting. Otherwise
// the caller finishes the step with the redirect's parameters.
func (b *base) waitRedirect(ctx context.Context, env Env) (Step, loopback.Redirect, error) {
	step := Step{Name: "redirect", Caption: "Wait for the browser to come back with the answer", At: env.now()}
	if !env.Loopback.Listening(b.st.RedirectURI) {
		if _, err := env.Loopback.Prepare(b.st.RedirectURI, b.expect()); err != nil {
			step, err = b.fail(step, err, b.st.RedirectURI)
			return step, loopback.Redirect{}, err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, b.timeout())
	defer cancel()
	r, err := env.Loopback.Wait(wctx, b.st.RedirectURI)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return step, loopback.Redirect{}, ctx.Err() // the person stepped away; the flow still waits
	}
	if err != nil {
		env.Loopback.Close(b.st.RedirectURI)
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("no redirect arrived within " + Human(b.timeout()) + "; start again, or paste the URL the browser ended on" + b.pushedTimeoutWords())
		}
		step, err = b.fail(step, err, b.st.RedirectURI)
		return step, loopback.Redirect{}, err
	}
	env.Loopback.Close(b.st.RedirectURI)
	step.At = env.now()
	if r.Rejected > 0 {
		step.Notes = append(step.Notes, strconv.Itoa(r.Rejected)+" redirect(s) with a wrong or missing state were refused before this one.")
	}
	// The redirect is part of the record like any exchange: what arrived,
	// secrets masked, whatever it says.
	step.Exchanges = append(step.Exchanges, wire.Exchange{Request: redactedRedirect(b.st.RedirectURI, r)})
	b.st.RedirectIss = r.Params.Get("iss")
	if err := b.st.Params.Provider.checkRedirectIssuer(r.Params); err != nil {
		step.WhatHappened = "The browser came back with the state authplay sent, but the answer names another server than the one asked, or none where one was promised."
		step, err = b.fail(step, err, b.st.Params.Provider.AuthURL)
		return step, loopback.Redirect{}, err
	}
	if e := r.Params.Get("error"); e != "" {
		step.WhatHappened = "The browser came back, but with an error instead of a code."
		step, err = b.fail(step, serverError(e, r.Params.Get("error_description"), r.Params.Get("error_uri"), 0), b.st.Params.Provider.AuthURL)
		return step, loopback.Redirect{}, err
	}
	b.st.StateMatched = true
	if sent := b.st.sentParam("response_mode"); sent != "" && r.Mode != sent && r.Mode != "pasted" {
		step.Notes = append(step.Notes, "The answer came by "+r.Mode+" although response_mode="+sent+" was asked for: the server may ignore response_mode.")
	}
	return step, r, nil
}

// received finishes the redirect step with the code, and in a hybrid
// flow with what came beside it, which must be bound to the code before
// the code is used.
func (m *authorizationCode) received(env Env, step Step, r loopback.Redirect) (Step, error) {
	m.st.Code = Secret(r.Params.Get("code"))
	if m.st.Code == "" {
		return m.fail(step, errors.New("the redirect carries neither a code nor an error"), m.st.RedirectURI)
	}
	m.st.CodeHashes = halfHashes(m.st.Code.Reveal())
	hybrid := ""
	if rt := m.st.sentResponseType(); rt != "code" {
		if err := m.frontChannel(env, rt, r.Params); err != nil {
			m.st.Code = ""
			step.WhatHappened = "The browser came back with a code and an ID token, but the ID token is not bound to this code and sign-in, so the code is not used."
			return m.fail(step, err, m.st.RedirectURI)
		}
		hybrid = " Beside it came an access token, as response_type=" + rt + " asks; the token endpoint issues its own. [OIDC Core §3.3.2.5]"
		if m.st.Front.IDToken != "" {
			hybrid = " Beside it came an ID token, as response_type=" + rt + " asks: it carries the nonce authplay sent and the hash of this code (c_hash), so the code was not swapped in on the way. [OIDC Core §3.3.2.11]"
		}
	}
	m.st.Phase = PhaseExchanging
	step.OK = true
	how := r.Via
	if r.Mode != "" && r.Mode != r.Via {
		how += " · " + r.Mode
	}
	step.WhatHappened = "The browser came back to " + m.st.RedirectURI + " (" + how + ") with a code " + m.st.Code.Peek() +
		" and the same state authplay sent, so this redirect answers authplay's own request. The code is good for one use, for a short time. [RFC 6749 §4.1.2]" + hybrid
	step.WhatNext = "Trade the code for tokens at the token endpoint" + map[bool]string{true: ", with the PKCE code_verifier.", false: "."}[m.st.Params.PKCE != PKCEOff]
	return step, nil
}

// exchangeRequest is the token request that trades the code (RFC 6749
// §4.1.3), with the verifier when PKCE is on (RFC 7636 §4.5).
func (m *authorizationCode) exchangeRequest() (Request, error) {
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return Request{}, err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {m.st.Code.Reveal()}, "redirect_uri": {m.st.RedirectURI}}
	if p.PKCE != PKCEOff && m.st.Verifier != "" {
		form.Set("code_verifier", m.st.Verifier.Reveal())
	}
	return m.tokenRequest(PurposeToken, p.Provider.TokenURL, form), nil
}

func (m *authorizationCode) exchange(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "token_request", Caption: "Trade the code for tokens", At: env.now()}
	p := m.st.Params
	req, err := m.exchangeRequest()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	tok, exchanges, err := m.sendForToken(ctx, env, in, req)
	m.st.Code = "" // used or not, a code is never sent twice
	step.Exchanges = exchanges
	if err != nil {
		step.WhatHappened = "authplay sent the code to the token endpoint, and the server refused it."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	pkce := p.PKCE != PKCEOff
	step.WhatHappened = "authplay sent the code, the same redirect URI" + map[bool]string{true: " and the PKCE code_verifier", false: ""}[pkce] +
		", and proved the application's identity. The server checked them against what it remembered from the browser's visit and issued an access token that acts for the user who signed in. " +
		refreshWords(tok, p) + " [RFC 6749 §4.1.3]"
	step.WhatNext = "Inspect the token and its checks, call an API, or refresh it."
	return step, nil
}

// refreshWords end a code exchange: whether a refresh token came, and if
// not, how this family's server is asked for one.
func refreshWords(t Token, p Params) string {
	f := p.Provider.FamilyOf()
	_, habit := askForRefreshToken(f)
	switch {
	case t.RefreshToken != "":
		return "It also issued a refresh token, to get new access tokens without the browser."
	case p.Provider.SpaceLike() && p.AccessType == "offline":
		return "No refresh token came back although offline access was asked for: Space issues one only the first time a user authorizes the application offline. Revoke the earlier refresh token (or the consent) to get a new one."
	case p.Provider.SpaceLike():
		return "No refresh token: Space issues one only with access_type=offline."
	case habit != "":
		return "No refresh token came back. " + habit
	case speaksOIDC(f) && slices.Contains(strings.Fields(p.Scope), "offline_access"):
		return "No refresh token came back although the scope asked for offline_access: the client may not be allowed refresh tokens, or the server wants the user's consent to offline access again."
	case speaksOIDC(f):
		return "No refresh token came back: an OpenID Connect server issues one when the scope includes offline_access and the client may use refresh tokens."
	}
	return "No refresh token came back: this server issues one only to a client allowed refresh tokens, and some want a scope for it (its documentation names the scope)."
}

// withRedirect puts the listener's real redirect URI in an edited
// authorization URL where it still names the one with port 0.
func withRedirect(raw, asked, real string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get("redirect_uri") == asked {
		q.Set("redirect_uri", real)
		u.RawQuery = q.Encode()
	}
	return u.String()
}
