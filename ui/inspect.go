package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

type panel int

const (
	panelToken panel = iota
	panelSteps
	panelRaw
	panelAPI
)

var panelNames = []string{"Token", "Steps", "Raw response", "Call API"}

type inspectKeys struct {
	Copy, CopyAs, Refresh, CallAPI, Tab, Reveal, New, Up, Down key.Binding
	Introspect, Revoke, Export, AutoRefresh                    key.Binding
}

// inspect is the token inspector.
type inspect struct {
	c           *common
	keys        inspectKeys
	sess        store.Session
	panel       panel
	reveal      bool
	scroll      int
	checkInput  *flows.CheckInput // judged again at each render, so times stay current
	apiTitle    string            // what the last result in the API panel answers
	autoRefresh bool
	api         *flows.APIResponse
	apiErr      error
	busy        string
	copyAs      bool
}

type checksMsg struct {
	input flows.CheckInput
}

type refreshedMsg struct {
	sess store.Session
	step flows.Step
	err  error
}

func newInspect(c *common, sess store.Session) *inspect {
	in := &inspect{c: c, sess: sess, keys: inspectKeys{
		Copy: bind("c", "c", "copy access token"), CopyAs: bind("C", "C", "copy as…"), Refresh: bind("r", "r", "refresh"),
		CallAPI: bind("a", "a", "call API"), Tab: bind("tab", "tab", "panel"), Reveal: bind("ctrl+r", "ctrl+r", "reveal"),
		New: bind("n", "n", "new flow"), Up: bind("up,k", "↑", "scroll"), Down: bind("down,j", "↓", "scroll"),
		Introspect: bind("i", "i", "introspect"), Revoke: bind("x", "x", "revoke"), Export: bind("e", "e", "export report"),
		AutoRefresh: bind("A", "A", "auto-refresh"),
	}}
	return in
}

func (in *inspect) Typing() bool { return false }

func (in *inspect) Keys() []key.Binding {
	if in.copyAs {
		return []key.Binding{bind("1", fmt.Sprintf("1-%d", len(TokenForms)), "choose"), bind("esc", "esc", "close")}
	}
	tok := in.sess.State.Token
	in.keys.Refresh.SetEnabled(tok != nil && tok.RefreshToken != "" && in.sess.Method != flows.Implicit)
	in.keys.AutoRefresh.SetEnabled(in.keys.Refresh.Enabled())
	if in.autoRefresh {
		in.keys.AutoRefresh.SetHelp("A", "auto-refresh: on")
	} else {
		in.keys.AutoRefresh.SetHelp("A", "auto-refresh")
	}
	prov := in.sess.State.Params.Provider
	in.keys.Introspect.SetEnabled(prov.IntrospectURL != "")
	in.keys.Revoke.SetEnabled(prov.RevokeURL != "")
	in.keys.Export.SetEnabled(in.c.deps.Store != nil)
	return []key.Binding{in.keys.Copy, in.keys.CopyAs, in.keys.Refresh, in.keys.CallAPI, in.keys.Tab, in.keys.Introspect, in.keys.Revoke,
		in.keys.Export, in.keys.AutoRefresh, in.keys.Reveal, in.keys.New}
}

// Init-like: the checks need the key set, fetched once.
func (in *inspect) loadChecks() tea.Cmd {
	env, st := in.c.deps.Env, in.sess.State
	return func() tea.Msg { return checksMsg{input: flows.PrepareChecks(context.Background(), env, st)} }
}

func (in *inspect) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case checksMsg:
		in.checkInput = &msg.input
	case refreshedMsg:
		in.busy = ""
		if msg.sess.ID != "" {
			in.sess = msg.sess
		}
		if msg.err != nil {
			return in, emit(statusMsg("refresh failed: " + flows.Explain(msg.err, flows.ExplainContext{}).Fix))
		}
		return in, tea.Batch(in.loadChecks(), emit(statusMsg("refreshed: new access token")))
	case apiDoneMsg:
		in.busy = ""
		in.api, in.apiErr = &msg.resp, msg.err
		in.apiTitle = or(msg.title, "API call")
		in.panel = panelAPI
	case tickMsg:
		// Auto-refresh a minute before expiry (or at a tenth of a short lifetime).
		tok := in.sess.State.Token
		if in.autoRefresh && in.busy == "" && tok != nil && tok.RefreshToken != "" && !tok.Expiry.IsZero() {
			lead := min(time.Minute, time.Duration(tok.ExpiresIn)*time.Second/10)
			if tok.Remaining(in.c.now()) <= lead {
				return in, in.refresh()
			}
		}
	case tea.KeyPressMsg:
		return in, in.key(msg)
	}
	return in, nil
}

func (in *inspect) key(k tea.KeyPressMsg) tea.Cmd {
	tok := in.sess.State.Token
	if in.copyAs {
		in.copyAs = false
		if i := int(k.Code - '1'); k.Text != "" && i >= 0 && i < len(TokenForms) {
			f := TokenForms[i]
			text, err := FormatToken(in.sess.State, f.Name)
			if err != nil {
				return emit(statusMsg(err.Error()))
			}
			return copyCmd(in.c, text, f.What)
		}
		return nil
	}
	switch {
	case key.Matches(k, in.keys.Copy):
		return copyCmd(in.c, tok.AccessToken.Reveal(), "the access token")
	case key.Matches(k, in.keys.CopyAs):
		in.copyAs = true
	case key.Matches(k, in.keys.Tab):
		in.panel = (in.panel + 1) % panel(len(panelNames))
		in.scroll = 0
	case k.String() == "shift+tab":
		in.panel = (in.panel + panel(len(panelNames)) - 1) % panel(len(panelNames))
		in.scroll = 0
	case key.Matches(k, in.keys.Reveal):
		in.reveal = !in.reveal
	case key.Matches(k, in.keys.New):
		return emit(backMsg{})
	case key.Matches(k, in.keys.Up):
		in.scroll = max(0, in.scroll-1)
	case key.Matches(k, in.keys.Down):
		in.scroll++
	case key.Matches(k, in.keys.Refresh) && in.keys.Refresh.Enabled():
		return in.refresh()
	case key.Matches(k, in.keys.AutoRefresh) && in.keys.AutoRefresh.Enabled():
		in.autoRefresh = !in.autoRefresh
		return emit(statusMsg(map[bool]string{true: "auto-refresh on: a minute before expiry", false: "auto-refresh off"}[in.autoRefresh]))
	case key.Matches(k, in.keys.Export) && in.keys.Export.Enabled():
		path, err := in.c.deps.Store.WriteReport(in.sess.ID)
		if err != nil {
			return emit(statusMsg("the report could not be written: " + err.Error()))
		}
		return emit(statusMsg("report written to " + path + " (secrets redacted)"))
	case key.Matches(k, in.keys.Introspect) && in.keys.Introspect.Enabled():
		in.busy = "introspecting…"
		env, st, creds := in.c.deps.Env, in.sess.State, in.c.deps.Profile.Creds
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			fields, ex, err := flows.Introspect(ctx, env, st, creds, st.Token.AccessToken)
			return apiDoneMsg{title: "Introspection (RFC 7662)", resp: resultOf(fields, ex), err: err}
		}
	case key.Matches(k, in.keys.Revoke) && in.keys.Revoke.Enabled():
		in.busy = "revoking…"
		env, st, creds := in.c.deps.Env, in.sess.State, in.c.deps.Profile.Creds
		tok, hint := st.Token.AccessToken, "access_token"
		if st.Token.RefreshToken != "" {
			tok, hint = st.Token.RefreshToken, "refresh_token" // the longer-lived one, and with it its access tokens
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			ex, err := flows.Revoke(ctx, env, st, creds, tok, hint)
			return apiDoneMsg{title: "Revocation of the " + strings.ReplaceAll(hint, "_", " ") + " (RFC 7009): the server now refuses it", resp: resultOf(nil, ex), err: err}
		}
	case key.Matches(k, in.keys.CallAPI):
		in.busy = "calling the API…"
		env, st := in.c.deps.Env, in.sess.State
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, err := flows.CallAPI(ctx, env, st.Params.Provider, st.Token.AccessToken, flows.DefaultTestCall(st.Params.Provider, st.Method))
			return apiDoneMsg{resp: resp, err: err}
		}
	}
	return nil
}

func (in *inspect) refresh() tea.Cmd {
	in.busy = "refreshing…"
	st, env, id := in.c.deps.Store, in.c.deps.Env, in.sess.ID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sess, step, err := st.Advance(ctx, id, env, flows.Input{Action: flows.ActionRefresh})
		return refreshedMsg{sess: sess, step: step, err: err}
	}
}

// resultOf shows an introspection or revocation like an API answer.
func resultOf(fields map[string]any, ex []flows.Exchange) flows.APIResponse {
	r := flows.APIResponse{Status: 200}
	if len(ex) > 0 && ex[len(ex)-1].Response != nil {
		r.Status, r.Exchange = ex[len(ex)-1].Response.Status, ex[len(ex)-1]
	}
	if fields != nil {
		b, _ := json.MarshalIndent(fields, "", "  ")
		r.Body = string(b)
	}
	return r
}

func (in *inspect) View() string {
	s := in.c.styles
	w := in.c.width - 4
	st := in.sess.State
	tok := st.Token
	var b strings.Builder
	names := []string{"Configure", "Run", "Inspect"}
	b.WriteString(stepper(s, names, 2, false) + "\n\n")
	shown := tok.AccessToken.Peek()
	if in.reveal {
		shown = truncate(tok.AccessToken.Reveal(), w-30)
	}
	fmt.Fprintf(&b, "  %s  %s   %s\n", s.Title.Render("Access token"), s.Value.Render(shown), s.Accent.Render("acts for "+st.ActsFor()))
	b.WriteString("  " + s.Subtle.Render(in.lifetimeLine()) + "\n\n")
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
	switch in.panel {
	case panelToken:
		body = in.tokenPanel()
	case panelSteps:
		body = in.stepsPanel()
	case panelRaw:
		body = in.rawPanel()
	case panelAPI:
		body = in.apiPanel()
	}
	lines := strings.Split(body, "\n")
	if in.scroll >= len(lines) {
		in.scroll = max(0, len(lines)-1)
	}
	b.WriteString(strings.Join(lines[in.scroll:], "\n"))
	if in.copyAs {
		var items []string
		for i, f := range TokenForms {
			items = append(items, fmt.Sprintf("%d %s", i+1, f.Label))
		}
		menu := strings.Join(items, " · ")
		return b.String() + "\n\n  " + s.Title.Render("Copy as: ") + s.Text.Render(menu)
	}
	if in.busy != "" {
		b.WriteString("\n  " + s.Subtle.Render(in.busy))
	}
	return b.String()
}

func (in *inspect) lifetimeLine() string {
	tok := in.sess.State.Token
	now := in.c.now()
	parts := []string{}
	if !tok.Expiry.IsZero() {
		if rem := tok.Remaining(now); rem > 0 {
			parts = append(parts, fmt.Sprintf("expires in %s (%s)", flows.Human(rem), tok.Expiry.Local().Format("15:04:05")))
		} else {
			parts = append(parts, "expired at "+tok.Expiry.Local().Format("15:04:05"))
		}
	} else {
		parts = append(parts, "no expiry given")
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
	ci.Now = in.c.now()
	return flows.Judge(in.sess.State, ci)
}

func (in *inspect) verdictLine(v flows.Verdict) string {
	s := in.c.styles
	mark := map[flows.Outcome]string{flows.Pass: s.OK.Render("✓"), flows.Fail: s.Err.Render("✗"), flows.Warn: s.Warn.Render("!"), flows.NotApplicable: s.Subtle.Render("–")}[v.Outcome]
	return fmt.Sprintf("%s %-10s %s", mark, v.Check, v.Detail)
}

func (in *inspect) tokenPanel() string {
	s := in.c.styles
	w := in.c.width - 4
	var b strings.Builder
	b.WriteString("  " + s.Title.Render("Checks") + "\n")
	if in.checkInput == nil {
		b.WriteString("  " + s.Subtle.Render("checking…") + "\n")
	}
	for _, v := range in.verdicts() {
		b.WriteString("  " + truncate(in.verdictLine(v), w) + "\n")
	}
	at := in.sess.State.Token.AccessToken.Reveal()
	if j, err := flows.DecodeJWT(at); err == nil {
		b.WriteString("\n  " + s.Title.Render("Header") + "  " + s.Value.Render(compactJSON(j.Header)) + "\n")
		b.WriteString("  " + s.Title.Render("Claims") + "\n")
		keys := make([]string, 0, len(j.Claims))
		for k := range j.Claims {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString("  " + truncate(fmt.Sprintf("%s %s", s.Key.Render(fmt.Sprintf("%-16s", k)), s.Value.Render(in.claimValue(j, k))), w) + "\n")
		}
	}
	return b.String()
}

func (in *inspect) claimValue(j *flows.JWT, k string) string {
	switch k {
	case "exp", "iat", "nbf", "auth_time":
		if t, ok := j.Time(k); ok {
			d := t.Sub(in.c.now())
			rel := "in " + flows.Human(d)
			if d < 0 {
				rel = flows.Human(-d) + " ago"
			}
			return fmt.Sprintf("%s (%s)", t.Local().Format("15:04:05"), rel)
		}
	}
	v := j.Claims[k]
	if s, ok := v.(string); ok {
		return s
	}
	return compactJSON(v)
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (in *inspect) stepsPanel() string {
	s := in.c.styles
	w := in.c.width - 4
	var b strings.Builder
	for i, st := range in.sess.Steps {
		mark := s.OK.Render("✓")
		if !st.OK {
			mark = s.Err.Render("✗")
		}
		fmt.Fprintf(&b, "  %s %d. %s  %s\n", mark, i+1, s.Title.Render(st.Caption), s.Subtle.Render(st.At.Local().Format("15:04:05")))
		for _, ex := range st.Exchanges {
			line := ex.Request.Method + " " + ex.Request.URL
			if ex.Response != nil {
				line += fmt.Sprintf("  → %d (%s)", ex.Response.Status, time.Duration(ex.Duration).Round(time.Millisecond))
			}
			b.WriteString("     " + s.Accent.Render(truncate(line, w-5)) + "\n")
			if ex.Request.Body != "" {
				b.WriteString(indent(s.Subtle.Render(hardWrap(ex.Request.Body, w-8)), 7) + "\n")
			}
		}
		if st.WhatHappened != "" {
			b.WriteString(wrapIndent(st.WhatHappened, w, 5, s.Text) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (in *inspect) rawPanel() string {
	s := in.c.styles
	raw := in.sess.State.Token.Raw
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "  " + s.Subtle.Render("(no raw response: the token was pasted)")
	}
	if !in.reveal {
		if m, ok := v.(map[string]any); ok {
			for k, val := range m {
				if str, ok := val.(string); ok && strings.HasSuffix(k, "token") {
					m[k] = flows.Peek(str)
				}
			}
		}
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	note := "secrets masked · ctrl+r reveals"
	if in.reveal {
		note = "secrets shown · ctrl+r masks"
	}
	return indent(s.Value.Render(hardWrap(string(out), in.c.width-6)), 2) + "\n\n  " + s.Subtle.Render(note)
}

func (in *inspect) apiPanel() string {
	s := in.c.styles
	st := in.sess.State
	call := flows.DefaultTestCall(st.Params.Provider, st.Method)
	target, _ := flows.ResolveAPIURL(st.Params.Provider, call.Path)
	var b strings.Builder
	b.WriteString("  " + s.Subtle.Render("a sends: ") + s.Value.Render(call.Method+" "+truncate(target, in.c.width-20)) + "\n")
	if in.apiTitle != "" {
		b.WriteString("  " + s.Title.Render(in.apiTitle) + "\n")
	}
	b.WriteString("\n")
	switch {
	case in.apiErr != nil:
		d := flows.Explain(in.apiErr, flows.ExplainContext{Endpoint: target})
		b.WriteString(wrapIndent(s.Err.Render("✗ ")+d.Fix+" "+d.Cause, in.c.width-4, 2, s.Text))
	case in.api != nil:
		status := s.OK.Render(fmt.Sprintf("HTTP %d", in.api.Status))
		if in.api.Status >= 400 {
			status = s.Err.Render(fmt.Sprintf("HTTP %d", in.api.Status))
		}
		b.WriteString("  " + status + "\n")
		if in.api.Error != nil {
			d := flows.Explain(in.api.Error, flows.ExplainContext{Space: st.Params.Provider.Kind == flows.KindSpace || st.Params.Provider.Builtin, ClientID: st.Params.ClientID})
			b.WriteString(wrapIndent(s.Title.Render("Fix: ")+d.Fix, in.c.width-4, 2, s.Text) + "\n")
		}
		b.WriteString(indent(s.Value.Render(in.api.Body), 2))
	default:
		b.WriteString("  " + s.Subtle.Render("Press a to call the API with this token."))
	}
	return b.String()
}
