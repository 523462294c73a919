package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// deviceCode: Ready -> AwaitingUser (-> poll ...) -> Authorized | Failed.
// RFC 8628: each Next while waiting is one poll.
type deviceCode struct{ *base }

func (m *deviceCode) pending() (Request, bool, error) {
	p := m.st.Params
	switch m.st.Phase {
	case PhaseReady:
		// The client authenticates here too: x/oauth2's DeviceAuth sends
		// only client_id, so a confidential client could not (RFC 8628 §3.1).
		if err := requireURL("device authorization URL", p.Provider.DeviceURL); err != nil {
			return Request{}, false, err
		}
		form := url.Values{}
		if p.Scope != "" {
			form.Set("scope", p.Scope)
		}
		return m.tokenRequest(PurposeDevice, p.Provider.DeviceURL, form), true, nil
	case PhaseAwaitingUser:
		if err := requireURL("token URL", p.Provider.TokenURL); err != nil {
			return Request{}, false, err
		}
		form := url.Values{"grant_type": {deviceGrant}, "device_code": {m.st.Device.DeviceCode.Reveal()}}
		return m.tokenRequest(PurposePoll, p.Provider.TokenURL, form), true, nil
	}
	return Request{}, false, nil
}

func (m *deviceCode) next(ctx context.Context, env Env, in Input) (Step, error) {
	switch m.st.Phase {
	case PhaseReady:
		return m.start(ctx, env, in)
	case PhaseAwaitingUser:
		return m.poll(ctx, env, in)
	}
	return Step{}, ErrFinished
}

func (m *deviceCode) start(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "device_authorization", Caption: "Ask for a device code and a user code", At: env.now()}
	p := m.st.Params
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.DeviceURL)
	}
	rec, callErr := m.send(ctx, env, in, req)
	step.Exchanges = rec.Exchanges()
	_, body, err := outcome(rec, callErr)
	if err != nil {
		return m.fail(step, err, p.Provider.DeviceURL)
	}
	ds, err := ParseDeviceResponse(body, env.now())
	if err != nil {
		return m.fail(step, answered(rec, err), p.Provider.DeviceURL)
	}
	m.st.Device = ds
	m.st.Phase = PhaseAwaitingUser
	step.OK = true
	step.Notes = p.Provider.Lint(DeviceCode, m.authStyle(), p.Scope, PKCEOff)
	step.WhatHappened = fmt.Sprintf("The server issued a device code, which stays with authplay, and the user code %s for a person to type at %s. The code is good for %s. [RFC 8628 §3.2]",
		ds.UserCode, ds.VerificationURI, Human(ds.Expires.Sub(env.now())))
	step.WhatNext = fmt.Sprintf("Open %s on any device, enter %s and approve. authplay asks the token endpoint every %s whether you are done.", ds.VerificationURI, ds.UserCode, Human(time.Duration(ds.Interval)))
	return step, nil
}

// ParseDeviceResponse reads an RFC 8628 §3.2 device authorization response.
func ParseDeviceResponse(body []byte, now time.Time) (*DeviceState, error) {
	var r struct {
		DeviceCode              string      `json:"device_code"`
		UserCode                string      `json:"user_code"`
		VerificationURI         string      `json:"verification_uri"`
		VerificationURL         string      `json:"verification_url"` // Google's older spelling
		VerificationURIComplete string      `json:"verification_uri_complete"`
		ExpiresIn               json.Number `json:"expires_in"`
		Interval                json.Number `json:"interval"`
	}
	if _, err := decodeFields("application/json", body); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("the device authorization response does not have the standard shape: %w", err)
	}
	if r.VerificationURI == "" {
		r.VerificationURI = r.VerificationURL
	}
	switch {
	case r.DeviceCode == "":
		return nil, errors.New("the response has no device_code")
	case r.UserCode == "":
		return nil, errors.New("the response has no user_code")
	case r.VerificationURI == "":
		return nil, errors.New("the response has no verification_uri")
	}
	if _, err := url.Parse(r.VerificationURI); err != nil {
		return nil, fmt.Errorf("verification_uri does not parse: %w", unwrapURLError(err))
	}
	exp, err := r.ExpiresIn.Int64()
	if err != nil || exp <= 0 {
		return nil, errors.New("expires_in is missing or not a positive number")
	}
	interval := int64(5) // RFC 8628 §3.2 default
	if r.Interval != "" {
		if iv, err := r.Interval.Int64(); err == nil && iv > 0 {
			interval = iv
		}
	}
	if err := checkTokenChars("device_code", r.DeviceCode); err != nil {
		return nil, err
	}
	return &DeviceState{
		// Shown to a person and perhaps opened: kept safe to print. Whether
		// a browser may open them is OpenableURL's call.
		DeviceCode: Secret(r.DeviceCode), UserCode: termsafe.Line(r.UserCode), VerificationURI: termsafe.Line(r.VerificationURI),
		VerificationURIComplete: termsafe.Line(r.VerificationURIComplete), Expires: now.Add(time.Duration(exp) * time.Second),
		Interval: wire.Duration(time.Duration(interval) * time.Second), NextPoll: now.Add(time.Duration(interval) * time.Second),
	}, nil
}

func (m *deviceCode) poll(ctx context.Context, env Env, in Input) (Step, error) {
	step := Step{Name: "poll", Caption: "Ask the token endpoint whether the user has approved", At: env.now()}
	ds := m.st.Device
	p := m.st.Params
	if wait := ds.NextPoll.Sub(env.now()); wait > 0 {
		if err := env.sleep(ctx, wait); err != nil {
			return step, err
		}
	}
	if env.now().After(ds.Expires) {
		return m.fail(step, serverError("expired_token", "the user code expired before it was used", "", 0), p.Provider.TokenURL)
	}
	ds.Polls++
	step.Caption = fmt.Sprintf("Poll %d: has the user approved?", ds.Polls)
	req, _, err := m.pending()
	if err != nil {
		return m.fail(step, err, p.Provider.TokenURL)
	}
	tok, exchanges, err := m.sendForToken(ctx, env, in, req)
	step.Exchanges = exchanges
	step.At = env.now()
	var oe *OAuthError
	if errors.As(err, &oe) {
		switch oe.Code {
		case "authorization_pending":
			ds.NextPoll = env.now().Add(time.Duration(ds.Interval))
			step.OK = true
			step.WhatHappened = "Not yet: the server answered authorization_pending, so the user has not finished. [RFC 8628 §3.5]"
			step.WhatNext = fmt.Sprintf("Ask again in %s. The code %s stays valid for %s.", Human(time.Duration(ds.Interval)), ds.UserCode, Human(ds.Expires.Sub(env.now())))
			return step, nil
		case "slow_down":
			ds.Interval += wire.Duration(5 * time.Second)
			ds.NextPoll = env.now().Add(time.Duration(ds.Interval))
			step.OK = true
			step.WhatHappened = "The server answered slow_down: authplay asked too often. As RFC 8628 §3.5 requires, it now waits 5 s longer between polls (" + Human(time.Duration(ds.Interval)) + ")."
			step.WhatNext = "Keep waiting for the user."
			return step, nil
		}
	}
	if err != nil {
		step.WhatHappened = "The server ended the wait."
		return m.fail(step, err, p.Provider.TokenURL)
	}
	m.authorized(&tok)
	step.OK = true
	step.Notes = tok.Notes
	step.WhatHappened = fmt.Sprintf("The user approved, so this poll came back with tokens after %d poll(s). The token acts for the user who typed the code. [RFC 8628 §3.5]", ds.Polls)
	step.WhatNext = "Inspect the token, call an API, or refresh it."
	return step, nil
}

// OpenableURL says whether a browser may be asked to open raw: only an
// absolute http or https URL with a host, printable, and not mistakable for
// a command-line option. A server chooses the device flow's verification
// URI; a file:, javascript: or "-option" value must never reach the
// browser opener, only the screen, with the reason.
func OpenableURL(raw string) error {
	if !termsafe.Safe(raw) {
		return fmt.Errorf("the address holds control characters (%s)", termsafe.Line(raw))
	}
	if strings.HasPrefix(strings.TrimSpace(raw), "-") {
		return fmt.Errorf("the address %q starts with a dash, which a browser launcher could take for an option", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("the address %q does not parse: %v", raw, unwrapURLError(err))
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return fmt.Errorf("the address %q is not http or https, so authplay will not open it; open it yourself only if you trust it", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("the address %q has no host", raw)
	}
	return nil
}
