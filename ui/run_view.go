package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
)

// The run screen's drawing.

func (r *runScreen) View() string {
	s := r.k.styles
	w := r.width - 4
	var b strings.Builder
	spec := flows.SpecOf(r.sess.State.Method)
	b.WriteString(stepper(s, spec.Stages, spec.Stage(r.sess.State), r.failed()) + "\n\n")
	st := r.sess.State
	switch {
	case r.failed():
		b.WriteString(r.failureView())
		return b.String()
	case r.gate.paused():
		b.WriteString(r.gate.view(s, r.width, r.height-3) + "\n")
		return b.String()
	case r.mode == inputSecret:
		b.WriteString("  " + s.Title.Render("Client secret for "+cmpOr(st.Params.ClientID, "this client")+": ") + r.input.View() + "\n")
	case st.Phase == flows.PhaseAwaitingRedirect:
		left := ""
		if n := len(r.sess.Steps); n > 0 && st.Params.Timeout > 0 {
			if rem := r.sess.Steps[n-1].At.Add(time.Duration(st.Params.Timeout)).Sub(r.k.now()); rem > 0 {
				left = s.Subtle.Render("   times out in " + flows.Human(rem))
			}
		}
		fmt.Fprintf(&b, "  %s Waiting for your browser to come back to\n    %s%s\n\n", r.spin.View(), s.Accent.Render(st.RedirectURI), left)
		b.WriteString("  " + s.Subtle.Render("Sign in here:") + "\n")
		b.WriteString(indent(s.Value.Render(hardWrap(st.AuthURL, w-2)), 2) + "\n")
	case st.Phase == flows.PhaseAwaitingUser && st.Device != nil && r.showQR && qrRefusal(st.Device) == nil:
		d := st.Device // the code needs the room: one line of words, then the code
		fmt.Fprintf(&b, "  %s Scan it, or open %s and enter %s\n%s\n", r.spin.View(), s.Accent.Render(truncate(d.VerificationURI, w/2)), s.Title.Render(d.UserCode),
			indent(qrCode(cmpOr(d.VerificationURIComplete, d.VerificationURI)), 2))
		return b.String()
	case st.Phase == flows.PhaseAwaitingUser && st.Device != nil:
		d := st.Device
		fmt.Fprintf(&b, "  %s Waiting for someone to approve on another device\n\n", r.spin.View())
		b.WriteString(indent(beside("Open   ", s.Accent.Render(hardWrap(d.VerificationURI, w-7)), w), 2) + "\n")
		b.WriteString(indent(beside("Enter  ", s.Title.Render(hardWrap(d.UserCode, w-7)), w), 2) + "\n")
		plain := flows.OpenableURL(d.VerificationURI)
		if plain != nil {
			b.WriteString(wrapIndent("⚠ "+plain.Error(), w, 2, s.Warn) + "\n")
		}
		if err := qrRefusal(d); err != nil && r.showQR {
			why := "⚠ No QR code: scanning one would open this address, which authplay will not."
			if plain == nil || d.VerificationURIComplete != "" { // the one it would encode is not the one above
				why = "⚠ No QR code: " + err.Error()
			}
			b.WriteString(wrapIndent(why, w, 2, s.Warn) + "\n")
		}
		fmt.Fprintf(&b, "  %s\n", s.Subtle.Render(fmt.Sprintf("expires in %s · polled %d time(s) · every %s", flows.Human(d.Expires.Sub(r.k.now())), d.Polls, flows.Human(time.Duration(d.Interval)))))
	default:
		fmt.Fprintf(&b, "  %s %s\n", r.spin.View(), s.Text.Render(r.busyCaption()))
	}
	if r.mode == inputPaste {
		b.WriteString("\n  " + s.Subtle.Render("Paste the whole address your browser ended on, then enter:") + "\n  " + r.input.View() + "\n")
	}
	if r.note != "" {
		b.WriteString("\n" + wrapIndent(s.Subtle.Render(r.note), w, 2, s.Subtle) + "\n")
	}
	if r.last != nil && r.last.WhatHappened != "" {
		b.WriteString("\n" + wrapIndent(s.Subtle.Render("What just happened: ")+r.last.WhatHappened, w, 2, s.Text) + "\n")
		for _, n := range r.last.Notes {
			b.WriteString(wrapIndent("⚠ "+n, w, 2, s.Warn) + "\n")
		}
	}
	return b.String()
}

// busyCaption says what the step under way does, from the request it sends.
func (r *runScreen) busyCaption() string {
	if !r.created {
		return "Starting the session…"
	}
	m, err := flows.New(r.sess.State, r.creds)
	if err != nil {
		return "Working…"
	}
	req, ok, _ := m.Pending(flows.Input{})
	if !ok {
		return "Working…"
	}
	switch req.Purpose {
	case flows.PurposeToken:
		if r.sess.State.Phase == flows.PhaseExchanging {
			return "Trading the code for tokens…"
		}
		return "Asking the token endpoint…"
	case flows.PurposeDevice:
		return "Asking for a device code…"
	case flows.PurposeRefresh:
		return "Trading the refresh token…"
	case flows.PurposeAPI:
		return "Calling the API…"
	case flows.PurposeAuthorization:
		return "Preparing the sign-in…"
	}
	return "Talking to the server…"
}

func (r *runScreen) failureView() string {
	s := r.k.styles
	w := r.width - 4
	var b strings.Builder
	d := r.sess.State.Failure
	if d == nil && r.err != nil {
		d = flows.Explain(r.err, r.sess.State.ExplainContext(""))
	}
	if d == nil {
		d = &flows.Diagnosis{Fix: "Try again.", Cause: "The flow stopped."}
	}
	caption := "The flow failed"
	if r.last != nil && r.last.Caption != "" {
		caption = r.last.Caption + ": failed"
	}
	b.WriteString(wrapIndent(s.Err.Render("✗ "+caption), w, 2, s.Err) + "\n\n")
	b.WriteString(wrapIndent(s.Title.Render("Fix: ")+d.Fix, w, 2, s.Text) + "\n\n")
	why := d.Cause
	if d.Refs != "" {
		why += "  (" + d.Refs + ")"
	}
	b.WriteString(wrapIndent(s.Subtle.Render("Why: ")+why, w, 2, s.Text) + "\n\n")
	b.WriteString(wrapIndent(s.Subtle.Render("Raw: ")+d.Raw, w, 2, s.Subtle) + "\n")
	if r.last != nil && len(r.last.Exchanges) > 0 {
		ex := r.last.Exchanges[len(r.last.Exchanges)-1]
		line := ex.Request.Method + " " + ex.Request.URL
		if ex.Response != nil {
			line += fmt.Sprintf(" → HTTP %d", ex.Response.Status)
		}
		b.WriteString("\n" + indent(s.Subtle.Render(hardWrap(line, w-2)), 2) + "\n")
	}
	return b.String()
}

// qrRefusal says why the device flow's address is not drawn as a QR code:
// scanning one opens it, so it must be an address authplay would open.
func qrRefusal(d *flows.DeviceState) error {
	return flows.OpenableURL(cmpOr(d.VerificationURIComplete, d.VerificationURI))
}
