package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// run is one run of an experiment: what it took so far, and what it must
// clean up.
type run struct {
	ctx   context.Context
	env   flows.Env
	t     Target
	steps []flows.Step
	held  []heldMachine // machines that may hold tokens or listeners
}

type heldMachine struct {
	m     flows.Machine
	creds flows.Credentials
}

func (r *run) add(s flows.Step) {
	if s.At.IsZero() {
		s.At = r.env.Time()
	}
	r.steps = append(r.steps, s)
	if r.t.Progress != nil {
		r.t.Progress(s)
	}
}

func verdict(v Verdict, format string, a ...any) Result {
	return Result{Verdict: v, Explanation: fmt.Sprintf(format, a...)}
}

func defended(format string, a ...any) Result   { return verdict(Defended, format, a...) }
func vulnerable(format string, a ...any) Result { return verdict(Vulnerable, format, a...) }
func skipped(format string, a ...any) Result    { return verdict(Skipped, format, a...) }

// machine starts a flow of method m and keeps it for the clean-up.
func (r *run) machine(m flows.Method, p flows.Params, creds flows.Credentials) (flows.Machine, error) {
	mc, err := flows.New(flows.Start(m, p), creds)
	if err == nil {
		r.hold(mc, creds)
	}
	return mc, err
}

// again rebuilds a machine from an earlier state of another, to send the
// same step a second time (a replayed code, a spent refresh token).
func (r *run) again(st flows.State, creds flows.Credentials) (flows.Machine, error) {
	mc, err := flows.New(st, creds)
	if err == nil {
		r.hold(mc, creds)
	}
	return mc, err
}

func (r *run) hold(m flows.Machine, creds flows.Credentials) {
	r.held = append(r.held, heldMachine{m, creds})
}

// cleanUp revokes every token the run obtained (once each) and closes
// every listener it opened, even after an interruption.
func (r *run) cleanUp() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), 10*time.Second)
	defer cancel()
	revoked := map[flows.Secret]bool{}
	for _, h := range r.held {
		st := h.m.State()
		r.env.Loopback.Close(st.RedirectURI)
		if st.Token == nil || st.Params.Provider.RevokeURL == "" {
			continue
		}
		tok := st.Token.RefreshToken
		if tok == "" {
			tok = st.Token.AccessToken
		}
		if revoked[tok] {
			continue
		}
		revoked[tok] = true
		// A failed step leaves a machine Failed though its token lives on;
		// the clean-up revokes it all the same.
		st.Phase, st.Failure = flows.PhaseAuthorized, nil
		m, err := flows.New(st, h.creds)
		if err != nil {
			continue
		}
		step, _ := m.Next(ctx, r.env, flows.Input{Action: flows.ActionRevoke})
		step.Caption = "Clean up: revoke what this experiment obtained"
		r.add(step)
	}
}

// signedIn takes a code flow with params p through the authorization
// request, someone's sign-in and the redirect back. It returns the
// machine ready to trade its code, or why there is none.
func (r *run) signedIn(p flows.Params, creds flows.Credentials) (flows.Machine, string) {
	p.Timeout = wire.Duration(r.t.wait())
	m, err := r.machine(flows.AuthorizationCode, p, creds)
	if err != nil {
		return nil, err.Error()
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{})
	r.add(step)
	if err != nil {
		return nil, "the authorization request could not be made: " + err.Error()
	}
	if why := r.signIn(m.State().AuthURL); why != "" {
		return nil, why
	}
	began := time.Now()
	step, err = m.Next(r.ctx, r.env, flows.Input{})
	r.add(step)
	var oe *flows.OAuthError
	switch {
	case err == nil:
		return m, ""
	case r.ctx.Err() != nil:
		return nil, "interrupted"
	case errors.As(err, &oe):
		return nil, "the server refused the authorization request (" + oe.Error() + ")"
	case time.Since(began) >= r.t.wait():
		return nil, "nobody signed in within " + flows.Human(r.t.wait())
	}
	return nil, "no usable redirect came back: " + err.Error()
}

// signIn gets someone to sign in at authURL: the server's headless
// approval when there is one, else a person. It returns why not, or "".
func (r *run) signIn(authURL string) string {
	switch {
	case r.t.Approve != nil:
		loc, step, err := r.approve(authURL)
		if err == nil {
			err = r.deliver(loc)
			if err == nil {
				step.OK = true
				step.WhatHappened += " authplay delivered that redirect to its own listener, as the browser would."
			}
		}
		r.add(step)
		if err != nil {
			return "the server's approval without a browser failed: " + err.Error()
		}
		return ""
	case r.t.SignIn != nil:
		r.add(flows.Step{Name: "sign_in", Caption: "Ask a person to sign in", OK: true,
			WhatHappened: "authplay handed the authorization URL to the person and waits up to " + flows.Human(r.t.wait()) + " for the browser to come back."})
		if err := r.t.SignIn(r.ctx, authURL); err != nil {
			return "the sign-in could not be offered: " + err.Error()
		}
		return ""
	}
	return "it needs someone to sign in, and nobody can be asked here"
}

// approve asks Target.Approve where the server sends the browser after
// sign-in and consent, and tells it as a step.
func (r *run) approve(authURL string) (string, flows.Step, error) {
	step := flows.Step{Name: "approval", Caption: "Sign in and accept without a browser (the server's headless approval)", At: r.env.Time()}
	loc, err := r.t.Approve(r.ctx, authURL)
	if err != nil {
		step.WhatHappened = "The server would not approve the request: " + termsafe.Line(err.Error())
		return "", step, err
	}
	step.WhatHappened = "The server signed in as its demo user and accepted, as a person would in the browser, and answered with a redirect to " + redacted(loc) + "."
	return loc, step, nil
}

// deliver plays the browser that follows a redirect to authplay's own
// listener. Only a loopback address is visited: a code is never carried
// anywhere else.
func (r *run) deliver(loc string) error {
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "http" || !wire.IsLoopback(u.Hostname()) {
		return fmt.Errorf("the server redirected to %s, which is not authplay's loopback listener", redacted(loc))
	}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, loc, nil)
	if err != nil {
		return err
	}
	resp, err := noFollow(r.env.HTTP).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("authplay's listener refused the redirect (HTTP %d)", resp.StatusCode)
	}
	return nil
}

// noFollow is c without following redirects: an experiment reads where a
// server points, and goes there only on purpose.
func noFollow(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// redacted is a URL with its code, tokens and secrets masked.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an address that does not parse)"
	}
	return termsafe.Line(wire.RedactURL(u))
}

// HeadlessApproval approves authorization requests at the built-in
// server (`authplay demo-server`, `authplay --demo`) without a browser,
// through its POST /demo/approve: the server signs in as its demo user,
// accepts, and names the redirect the browser would follow. No other
// server has such a door.
func HeadlessApproval(c *http.Client, serviceURL string) func(ctx context.Context, authURL string) (string, error) {
	if c == nil {
		c = wire.NewClient(0)
	}
	endpoint := strings.TrimRight(serviceURL, "/") + "/demo/approve"
	return func(ctx context.Context, authURL string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(url.Values{"authorization_url": {authURL}}.Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := noFollow(c).Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var body struct {
			RedirectTo  string `json:"redirect_to"`
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body); err != nil {
			return "", fmt.Errorf("%s answered HTTP %d, not the built-in server's JSON", endpoint, resp.StatusCode)
		}
		if resp.StatusCode != http.StatusOK || body.RedirectTo == "" {
			return "", &flows.OAuthError{Code: termsafe.Line(body.Error), Description: termsafe.Line(body.Description), Status: resp.StatusCode}
		}
		return body.RedirectTo, nil
	}
}

// ForBuiltin fills in what the built-in server offers the experiments,
// when the target's server is one (`authplay --demo`, `authplay
// demo-server`): approval without a browser, and its public registration
// for the experiments that need a second client. Another server is left
// as it is, and reported false.
func (t *Target) ForBuiltin(c *http.Client) bool {
	p := t.Params.Provider
	if p.FamilyOf() != flows.FamilyBuiltin || p.ServiceURL == "" {
		return false
	}
	t.Approve, t.PublicClientID = HeadlessApproval(c, p.ServiceURL), spacetest.DemoPublicClientID
	return true
}
