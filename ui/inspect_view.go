package ui

import (
	"encoding/json"
	"fmt"
	"slices"

	"sort"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/themes"
)

// The token inspector's panels.

func (in *inspect) View() string {
	s := in.k.styles
	w := in.width - 4
	st := in.sess.State
	tok := st.Token
	var b strings.Builder
	spec := flows.SpecOf(st.Method)
	b.WriteString(stepper(s, spec.Stages, len(spec.Stages)-1, false) + "\n\n")
	title, shown := "Access token", tok.AccessToken.Peek()
	if in.reveal {
		shown = truncate(tok.AccessToken.Reveal(), w-30)
	}
	if tok.AccessToken == "" { // response_type=id_token: who signed in, and no token to act with
		title, shown = "ID token", tok.IDToken.Peek()
	}
	title = s.Title.Render(title)
	if tok.AccessToken != "" && tok.TokenType != "" && tok.TokenType != "Bearer" {
		title += s.Subtle.Render(" · token_type " + termsafe.Line(tok.TokenType)) // DPoP: bound to a key
	}
	fmt.Fprintf(&b, "  %s  %s   %s\n", title, s.Value.Render(shown), s.Accent.Render("acts for "+st.ActsFor()))
	b.WriteString("  " + s.Subtle.Render(in.lifetimeLine()) + "\n")
	for _, warn := range in.transportWarnings() {
		b.WriteString(wrapIndent("⚠ "+warn, w, 2, s.Warn) + "\n")
	}
	b.WriteString("\n")
	var tabs []string
	for i, n := range panelNames {
		if panel(i) == in.panel {
			tabs = append(tabs, s.Selected.Render("[ "+n+" ]"))
		} else {
			tabs = append(tabs, s.Subtle.Render("  "+n+"  "))
		}
	}
	b.WriteString("  " + strings.Join(tabs, " ") + "\n\n")
	var body string
	if in.gate.paused() {
		b.WriteString(in.gate.view(s, in.width, in.height-lipgloss.Height(b.String())))
		return b.String()
	}
	switch in.panel {
	case panelToken:
		body = in.tokenPanel()
	case panelSteps:
		body = in.stepsPanel()
	case panelRaw:
		body = in.rawPanel()
	case panelCalls:
		body = in.callsPanel()
	}
	// The panel scrolls in the room between the header and what is said
	// below it (the copy-as menu, an action under way), which always shows.
	var foot string
	switch {
	case in.copyAs:
		foot = in.copyAsView(s, w)
	case in.busy != "":
		foot = "  " + s.Subtle.Render(in.busy)
	}
	room := in.height - lipgloss.Height(b.String())
	if foot != "" {
		room -= lipgloss.Height(foot) + 1
	}
	var visible string
	visible, in.scroll = scrolled(s, body, in.scroll, room)
	b.WriteString(visible)
	if foot != "" {
		b.WriteString("\n\n" + foot)
	}
	return b.String()
}

// transportWarnings are the warnings about how this session's requests were
// sent (a secret over plain http), each once: they stay in sight at the top.
func (in *inspect) transportWarnings() []string {
	var out []string
	for _, st := range in.sess.Steps {
		for _, ex := range st.Exchanges {
			for _, w := range ex.Warnings {
				if !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

func (in *inspect) lifetimeLine() string {
	tok := in.sess.State.Token
	now := in.k.now()
	parts := []string{}
	if !tok.Expiry.IsZero() {
		if rem := tok.Remaining(now); rem > 0 {
			parts = append(parts, fmt.Sprintf("expires in %s (%s)", flows.Human(rem), tok.Expiry.Local().Format("15:04:05")))
		} else {
			parts = append(parts, "expired at "+tok.Expiry.Local().Format("15:04:05"))
		}
	} else {
		// Said in the provider's terms where known: a GitHub token
		// without expiry is not a mystery, it lasts until revoked.
		parts = append(parts, in.sess.State.Params.Provider.NoExpiryNote())
	}
	if tok.RefreshToken != "" {
		parts = append(parts, "refresh token kept")
	}
	if tok.IDToken != "" {
		parts = append(parts, "ID token")
	}
	sc := tok.Scope
	if sc == "" {
		sc = in.sess.State.Params.Scope
	}
	if sc != "" {
		parts = append(parts, "scope "+sc)
	}
	return strings.Join(parts, " · ")
}

func (in *inspect) verdicts() []flows.Verdict {
	if in.checkInput == nil {
		return nil
	}
	ci := *in.checkInput
	ci.Now = in.k.now()
	return flows.Judge(in.sess.State, ci)
}

// verdictLine is one check: its mark and name, and what it found wrapped
// beside them.
func (in *inspect) verdictLine(v flows.Verdict, width int) string {
	s := in.k.styles
	mark := map[flows.Outcome]string{flows.Pass: s.OK.Render("✓"), flows.Fail: s.Err.Render("✗"), flows.Warn: s.Warn.Render("!"), flows.NotApplicable: s.Subtle.Render("–"), flows.Unverified: s.Warn.Render("?")}[v.Outcome]
	return beside(fmt.Sprintf("%s %-10s ", mark, v.Check), v.Detail, width)
}

func (in *inspect) tokenPanel() string {
	s := in.k.styles
	w := in.width - 4
	var b strings.Builder
	b.WriteString("  " + s.Title.Render("Checks") + "\n")
	if in.checkInput == nil {
		b.WriteString("  " + s.Subtle.Render("checking…") + "\n")
	}
	for _, v := range in.verdicts() {
		b.WriteString(indent(in.verdictLine(v, w), 2) + "\n")
	}
	tok := in.sess.State.Token
	in.writeJWT(&b, "Access token", tok.AccessToken.Reveal())
	if tok.IDToken != "" {
		in.writeJWT(&b, "ID token (OpenID Connect): who signed in", tok.IDToken.Reveal())
	}
	return b.String()
}

// writeJWT shows a JWT's header and claims, times for people.
func (in *inspect) writeJWT(b *strings.Builder, title, token string) {
	s := in.k.styles
	j, err := jwtcheck.Decode(token)
	if err != nil {
		return
	}
	b.WriteString("\n  " + s.Title.Render(title) + "  " + s.Subtle.Render("header ") + s.Value.Render(compactJSON(j.Header)) + "\n")
	keys := make([]string, 0, len(j.Claims))
	for k := range j.Claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(indent(beside(s.Key.Render(fmt.Sprintf("%-16s ", truncate(termsafe.Line(k), 24))), s.Value.Render(in.claimValue(j, k)), in.width-4), 2) + "\n")
	}
}

func (in *inspect) claimValue(j *jwtcheck.JWT, k string) string {
	switch k {
	case "exp", "iat", "nbf", "auth_time":
		if t, ok := j.Time(k); ok {
			d := t.Sub(in.k.now())
			rel := "in " + flows.Human(d)
			if d < 0 {
				rel = flows.Human(-d) + " ago"
			}
			return fmt.Sprintf("%s (%s)", t.Local().Format("15:04:05"), rel)
		}
	}
	v := j.Claims[k]
	if k == "act" { // who acts for the subject, read for people and bounded
		return flows.ActDescription(v)
	}
	if s, ok := v.(string); ok {
		return termsafe.Line(s)
	}
	return compactJSON(v)
}

// compactJSON writes a decoded claim or header on one line, safe to print:
// the token's issuer chose every byte of it.
func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	return termsafe.Line(string(b))
}

// stepsPanel shows every step whole: its caption and time, each exchange
// in full (request and response, headers and body), what happened, and its
// notes. A run of device polls that all said "not yet" is folded into one
// line (p unfolds it).
func (in *inspect) stepsPanel() string {
	steps := in.sess.Steps
	if in.checkInput != nil && in.checkInput.KeySetStep != nil {
		steps = append(steps[:len(steps):len(steps)], *in.checkInput.KeySetStep)
	}
	text := stepsView(in.k.styles, steps, in.width-4, in.allPolls)
	if in.reveal {
		return revealTokens(text, in.sess.State)
	}
	return text
}

// stepsView draws steps as the Steps panel shows them: each with its
// exchanges whole, what it meant, the fix when it failed, its warnings.
// A run of "not yet" device polls folds to a count unless allPolls.
func stepsView(s *themes.Styles, steps []flows.Step, w int, allPolls bool) string {
	var b strings.Builder
	for i := 0; i < len(steps); i++ {
		st := steps[i]
		if j := pendingPolls(steps, i); j > i+1 && !allPolls {
			b.WriteString("  " + s.Subtle.Render(fmt.Sprintf("… %d polls answered \"not yet\" (authorization_pending or slow_down); p shows each", j-i)) + "\n\n")
			i = j - 1
			continue
		}
		mark := s.OK.Render("✓")
		if !st.OK {
			mark = s.Err.Render("✗")
		}
		b.WriteString(wrapIndent(fmt.Sprintf("%s %d. %s  %s", mark, i+1, s.Title.Render(st.Caption), s.Subtle.Render(st.At.Local().Format("15:04:05"))), w, 2, s.Text) + "\n")
		for _, ex := range st.Exchanges {
			b.WriteString(indent(exchangeView(s, ex, w-5), 5) + "\n")
		}
		if st.WhatHappened != "" {
			b.WriteString(wrapIndent(st.WhatHappened, w, 5, s.Text) + "\n")
		}
		if d := st.Diagnosis; d != nil {
			b.WriteString(wrapIndent(s.Title.Render("Fix: ")+d.Fix, w, 5, s.Text) + "\n")
		}
		for _, n := range st.Notes {
			b.WriteString(wrapIndent("⚠ "+n, w, 5, s.Warn) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// pendingPolls is where a run of "not yet" device polls starting at i ends.
func pendingPolls(steps []flows.Step, i int) int {
	j := i
	for j < len(steps) && steps[j].Name == "poll" && steps[j].OK && strings.HasPrefix(steps[j].Caption, "Poll") && j+1 < len(steps) {
		j++
	}
	return j
}

func (in *inspect) rawPanel() string {
	s := in.k.styles
	raw := in.sess.State.Token.Raw
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "  " + s.Subtle.Render("(no raw response: the token was pasted)")
	}
	if !in.reveal {
		if m, ok := v.(map[string]any); ok {
			for k, val := range m {
				if str, ok := val.(string); ok && strings.HasSuffix(k, "token") {
					m[k] = wire.Peek(str)
				}
			}
		}
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	note := "secrets masked · ctrl+r reveals"
	if in.reveal {
		note = "secrets shown · ctrl+r masks"
	}
	return indent(s.Value.Render(hardWrap(termsafe.Block(string(out)), in.width-6)), 2) + "\n\n  " + s.Subtle.Render(note)
}

// callsPanel shows the latest action on the token (an API call,
// introspection, revocation) as the step it was: what was sent, what came
// back, what it means.
func (in *inspect) callsPanel() string {
	s := in.k.styles
	w := in.width - 4
	var b strings.Builder
	step := in.lastCall
	if step == nil {
		b.WriteString(wrapIndent(s.Subtle.Render("Press a to call the API with this token (the call is shown first: edit it, or tab for another), i to introspect it, x to revoke it. Each is a step of the session, shown here and in the Steps panel."), w, 2, s.Subtle))
		return b.String()
	}
	mark := s.OK.Render("✓ ")
	if !step.OK {
		mark = s.Err.Render("✗ ")
	}
	b.WriteString(wrapIndent(mark+s.Title.Render(step.Caption)+s.Subtle.Render("  (b copies the response body)"), w, 2, s.Text) + "\n")
	for _, ex := range step.Exchanges {
		b.WriteString(indent(exchangeView(s, ex, w-2), 2) + "\n")
	}
	if d := step.Diagnosis; d != nil {
		b.WriteString("\n" + wrapIndent(s.Title.Render("Fix: ")+d.Fix, w, 2, s.Text) + "\n")
		b.WriteString(wrapIndent(s.Subtle.Render("Why: ")+d.Cause, w, 2, s.Text) + "\n")
	}
	if step.WhatHappened != "" {
		b.WriteString("\n" + wrapIndent(step.WhatHappened, w, 2, s.Text) + "\n")
	}
	if in.reveal {
		return revealTokens(b.String(), in.sess.State)
	}
	return b.String()
}
