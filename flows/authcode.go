package flows

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/loopback"
)

// authorizationCode: Ready -> AwaitingRedirect -> Exchanging -> Authorized
// (-> refresh -> Authorized) | Failed. RFC 6749 §4.1 with RFC 7636 PKCE.
type authorizationCode struct{ base }

func (m *authorizationCode) Next(ctx context.Context, env Env, in Input) (Step, error) {
	switch {
	case m.st.Phase == PhaseReady:
		return m.start(env)
	case m.st.Phase == PhaseAwaitingRedirect:
		return m.awaitRedirect(ctx, env, loopback.Expect{State: m.st.StateValue})
	case m.st.Phase == PhaseExchanging:
		return m.exchange(ctx, env)
	case m.st.Phase == PhaseAuthorized && in.Action == ActionRefresh:
		return m.refresh(ctx, env)
	}
	return Step{}, errors.New("the flow is finished; start a new one")
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b) //nolint:errcheck // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func wantsOpenID(scope string) bool { return slices.Contains(strings.Fields(scope), "openid") }

func (m *authorizationCode) start(env Env) (Step, error) {
	step := Step{Name: "authorization_request", Caption: "Build the authorization URL and send the browser to it", At: env.now()}
	p := m.st.Params
	if err := requireURL("authorization URL", p.Provider.AuthURL); err != nil {
		return m.fail(step, err, p.Provider.AuthURL)
	}
	m.st.StateValue = randomToken()
	if wantsOpenID(p.Scope) {
		m.st.Nonce = randomToken()
	}
	redirect, err := env.Loopback.Prepare(p.RedirectURI, loopback.Expect{State: m.st.StateValue})
	if err != nil {
		return m.fail(step, err, p.RedirectURI)
	}
	m.st.RedirectURI = redirect
	var opts []oauth2.AuthCodeOption
	switch p.PKCE {
	case PKCES256:
		m.st.Verifier = Secret(oauth2.GenerateVerifier())
		opts = append(opts, oauth2.S256ChallengeOption(m.st.Verifier.Reveal()))
	case PKCEPlain:
		m.st.Verifier = Secret(oauth2.GenerateVerifier())
		opts = append(opts, oauth2.SetAuthURLParam("code_challenge", m.st.Verifier.Reveal()), oauth2.SetAuthURLParam("code_challenge_method", "plain"))
	}
	opts = append(opts, spaceOptions(p, m.st.Nonce)...)
	m.st.AuthURL = m.oauth2Config().AuthCodeURL(m.st.StateValue, opts...)
	m.st.Phase = PhaseAwaitingRedirect
	step.OK = true
	step.Notes = p.Provider.Lint(AuthorizationCode, m.authStyle(), p.Scope, p.PKCE)
	step.WhatHappened = "authplay made a random state, which the server will send back so authplay can tell its own redirect from a forged one. " +
		pkceWords(p.PKCE) + " It is listening at " + redirect + " for the browser to come back. [RFC 6749 §4.1.1 · RFC 8252 §7.3]"
	step.WhatNext = "Sign in and accept in the browser. The server then sends the browser to the redirect URI with a one-time code."
	openBrowser(env, m.st.AuthURL, &step)
	return step, nil
}

func pkceWords(p PKCEMethod) string {
	switch p {
	case PKCES256:
		return "It also made a PKCE code_verifier, a secret that stays here: only its SHA-256 hash (the code_challenge) goes in the URL, so a stolen code is useless without it."
	case PKCEPlain:
		return "PKCE is set to plain: the code_verifier itself goes in the URL as the challenge, which protects far less than S256. Use plain only for a server that cannot do S256."
	}
	return "PKCE is off: anyone who intercepts the code can redeem it. Turn PKCE on unless the server rejects it."
}

func spaceOptions(p Params, nonce string) []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	if p.AccessType != "" {
		opts = append(opts, oauth2.SetAuthURLParam("access_type", p.AccessType))
	}
	if p.RequestCredentials != "" {
		opts = append(opts, oauth2.SetAuthURLParam("request_credentials", p.RequestCredentials))
	}
	if nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", nonce))
	}
	return opts
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

// awaitRedirect waits for the browser, re-opening the listener if the
// program restarted since the URL was made.
func (b *base) awaitRedirect(ctx context.Context, env Env, exp loopback.Expect) (Step, error) {
	step := Step{Name: "redirect", Caption: "Wait for the browser to come back with the answer", At: env.now()}
	if !env.Loopback.Listening(b.st.RedirectURI) {
		if _, err := env.Loopback.Prepare(b.st.RedirectURI, exp); err != nil {
			return b.fail(step, err, b.st.RedirectURI)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, b.timeout())
	defer cancel()
	r, err := env.Loopback.Wait(wctx, b.st.RedirectURI)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return step, ctx.Err() // the person stepped away; the flow still waits
	}
	if err != nil {
		env.Loopback.Close(b.st.RedirectURI)
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("no redirect arrived within " + Human(b.timeout()) + "; start again, or paste the URL the browser ended on")
		}
		return b.fail(step, err, b.st.RedirectURI)
	}
	step.At = env.now()
	if r.Rejected > 0 {
		step.Notes = append(step.Notes, strconv.Itoa(r.Rejected)+" redirect(s) with a wrong or missing state were refused before this one.")
	}
	if e := r.Params.Get("error"); e != "" {
		env.Loopback.Close(b.st.RedirectURI)
		step.WhatHappened = "The browser came back, but with an error instead of a code."
		return b.fail(step, serverError(e, r.Params.Get("error_description"), r.Params.Get("error_uri"), 0), b.st.Params.Provider.AuthURL)
	}
	b.st.StateMatched = true
	if b.st.Method == Implicit {
		return b.implicitToken(env, step, r)
	}
	env.Loopback.Close(b.st.RedirectURI)
	b.st.Code = Secret(r.Params.Get("code"))
	if b.st.Code == "" {
		return b.fail(step, errors.New("the redirect carries neither a code nor an error"), b.st.RedirectURI)
	}
	b.st.Phase = PhaseExchanging
	step.OK = true
	step.WhatHappened = "The browser came back to " + b.st.RedirectURI + " (" + r.Via + ") with a code " + b.st.Code.Peek() +
		" and the same state authplay sent, so this redirect answers authplay's own request. The code is good for one use, for a short time. [RFC 6749 §4.1.2]"
	step.WhatNext = "Trade the code for tokens at the token endpoint" + map[bool]string{true: ", with the PKCE code_verifier.", false: "."}[b.st.Verifier != ""]
	return step, nil
}

func (m *authorizationCode) exchange(ctx context.Context, env Env) (Step, error) {
	step := Step{Name: "token_request", Caption: "Trade the code for tokens", At: env.now()}
	p := m.st.Params
	if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	c, rec := env.record()
	var opts []oauth2.AuthCodeOption
	if m.st.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(m.st.Verifier.Reveal()))
	}
	_, callErr := m.oauth2Config().Exchange(oauth2Context(ctx, c), m.st.Code.Reveal(), opts...)
	m.st.Code = "" // used or not, a code is never sent twice
	tok, err := tokenResult(rec, callErr, env.now())
	step.Exchanges = rec.Exchanges()
	if err != nil {
		step.WhatHappened = "authplay sent the code to the token endpoint, and the server refused it."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(tok)
	step.OK = true
	step.Notes = tok.Notes
	step.WhatHappened = "authplay sent the code, the same redirect URI" + map[bool]string{true: " and the PKCE code_verifier", false: ""}[m.st.Verifier != ""] +
		", and proved the application's identity. The server checked them against what it remembered from the browser's visit and issued an access token that acts for the user who signed in. " +
		refreshWords(tok, p) + " [RFC 6749 §4.1.3]"
	step.WhatNext = "Inspect the token and its checks, call an API, or refresh it."
	return step, nil
}

func refreshWords(t Token, p Params) string {
	switch {
	case t.RefreshToken != "":
		return "It also issued a refresh token, to get new access tokens without the browser."
	case p.AccessType == "offline" && (p.Provider.Kind == KindSpace || p.Provider.Builtin):
		return "No refresh token came back although offline access was asked for: Space issues one only the first time a user authorizes the application offline. Revoke the earlier refresh token (or the consent) to get a new one."
	case p.AccessType != "offline" && (p.Provider.Kind == KindSpace || p.Provider.Builtin):
		return "No refresh token: Space issues one only with access_type=offline."
	}
	return "No refresh token came back (servers issue one only when asked, e.g. with an offline_access scope)."
}
