package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
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
func resultOf(fields map[string]any, ex []wire.Exchange) flows.APIResponse {
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
