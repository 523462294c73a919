package ui

import (
	"context"
	"fmt"
	"slices"
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
	panelCalls
)

var panelNames = []string{"Token", "Steps", "Raw response", "Calls"}

type inspectKeys struct {
	Copy, CopyAs, Refresh, CallAPI, Tab, BackTab, Reveal, New, Up, Down key.Binding
	Introspect, Revoke, Export, AutoRefresh, Polls, CopyBody, Lab, Back key.Binding
}

// inspect is the token inspector. Every action on the token (refresh,
// introspect, revoke, an API call) is a step of the session, taken with
// the credentials the run handed over, recorded, and shown like the rest.
type inspect struct {
	frame
	keys        inspectKeys
	sess        store.Session
	creds       flows.Credentials // the session's own, from its run: never the profile's
	panel       panel
	reveal      bool
	scroll      int
	checkInput  *flows.CheckInput // judged again at each render, so times stay current
	autoRefresh bool
	busy        string
	copyAs      bool
	copyAsNudge bool        // a key that is no choice was pressed in the copy-as menu
	lastCall    *flows.Step // the latest action's step, for the Calls panel
	allPolls    bool        // the Steps panel shows each device poll
	gate        gate        // step mode's pause before an action's request
	gated       flows.Action
	offers      []flows.APIRequest // the calls a offers: the provider's, then this profile's recent ones
	offer       int                // the one at the gate
}

func newInspect(k *kit, id int, sess store.Session, creds flows.Credentials) *inspect {
	return &inspect{frame: frame{k: k, id: id}, sess: sess, creds: creds, gate: newGate(),
		offers: flows.OfferedCalls(sess.State.Params.Provider, sess.State.Method), keys: inspectKeys{
			Copy: bind("c", "c", "copy access token"), CopyAs: bind("C", "C", "copy as…"), Refresh: bind("r", "r", "refresh"),
			CallAPI: bind("a", "a", "call API"), Tab: bind("tab", "tab", "next panel"), BackTab: bind("shift+tab", "shift+tab", "previous panel"),
			Reveal: bind("ctrl+r", "ctrl+r", "reveal"), New: bind("n", "n", "new flow"), Up: bind("up,k", "↑/k", "scroll"), Down: bind("down,j", "↓/j", "scroll"),
			Introspect: bind("i", "i", "introspect"), Revoke: bind("x", "x", "revoke"), Export: bind("e", "e", "export report"),
			AutoRefresh: bind("A", "A", "auto-refresh"), Polls: bind("p", "p", "show each poll"), CopyBody: bind("b", "b", "copy the response body"),
			Lab: bind("l", "l", "lab: break it on purpose"), Back: bind("esc", "esc", "back"),
		}}
}

func (in *inspect) Title() string      { return "token" }
func (in *inspect) Flow() flows.Method { return in.sess.Method }

// Counting: the expiry counts down while the token lives, and auto-refresh
// watches the clock.
func (in *inspect) Counting() bool {
	tok := in.sess.State.Token
	return in.autoRefresh || (tok != nil && !tok.Expiry.IsZero() && tok.Remaining(in.k.now()) > 0)
}

func (in *inspect) ShortHelp() []key.Binding {
	if in.gate.paused() {
		if in.gate.editing {
			return in.gate.shortHelp()
		}
		return append(in.gate.shortHelp(), bind("esc", "esc", "do not take it"))
	}
	if in.copyAs {
		return []key.Binding{bind("1", fmt.Sprintf("1-%d", len(TokenForms)), "choose"), bind("esc", "esc", "close")}
	}
	st := in.sess.State
	in.keys.Refresh.SetEnabled(st.Can(flows.ActionRefresh))
	in.keys.AutoRefresh.SetEnabled(st.Can(flows.ActionRefresh))
	in.keys.AutoRefresh.SetHelp("A", map[bool]string{true: "auto-refresh: on", false: "auto-refresh"}[in.autoRefresh])
	in.keys.CallAPI.SetEnabled(st.Can(flows.ActionCallAPI))
	// response_type=id_token brings an ID token alone: c copies that.
	in.keys.Copy.SetHelp("c", map[bool]string{true: "copy ID token", false: "copy access token"}[st.Token != nil && st.Token.AccessToken == ""])
	in.keys.Introspect.SetEnabled(st.Can(flows.ActionIntrospect))
	in.keys.Revoke.SetEnabled(st.Can(flows.ActionRevoke))
	in.keys.Export.SetEnabled(in.k.deps.Sessions != nil)
	return []key.Binding{in.keys.Copy, in.keys.CopyAs, in.keys.Refresh, in.keys.CallAPI, in.keys.Introspect, in.keys.Revoke, in.keys.Tab,
		in.keys.Export, in.keys.AutoRefresh, in.keys.Reveal, in.keys.New, in.keys.Back}
}

func (in *inspect) FullHelp() [][]key.Binding {
	short := in.ShortHelp()
	if in.copyAs || in.gate.paused() || len(short) <= 6 {
		return [][]key.Binding{short}
	}
	in.keys.CopyBody.SetEnabled(in.bodyToCopy() != "")
	return [][]key.Binding{short[:6], append(short[6:], in.keys.BackTab, in.keys.Up, in.keys.Down, in.keys.CopyBody, in.keys.Polls, in.keys.Lab)}
}

// Init fetches what the checks need (the key set), once, and the
// profile's recent API calls.
func (in *inspect) Init() tea.Cmd {
	env, st, owner := in.k.deps.Env, in.sess.State, in.id
	checks := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return checksMsg{owner: owner, input: flows.PrepareChecks(ctx, env, st)}
	}
	sessions, profile := in.k.deps.Sessions, in.sess.Profile
	if sessions == nil {
		return checks
	}
	return tea.Batch(checks, func() tea.Msg {
		calls, _ := sessions.RecentCalls(profile) // an unreadable list only offers fewer calls
		return callsLoadedMsg{owner: owner, calls: calls}
	})
}

func (in *inspect) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case checksMsg:
		if msg.owner == in.id {
			in.checkInput = &msg.input
		}
	case callsLoadedMsg:
		if msg.owner == in.id {
			for _, c := range msg.calls {
				if !slices.ContainsFunc(in.offers, func(o flows.APIRequest) bool { return o.Method == c.Method && o.Path == c.Path && o.Body == c.Body }) {
					in.offers = append(in.offers, c)
				}
			}
		}
	case stepDoneMsg:
		if msg.owner != in.id {
			return in, nil
		}
		return in, in.acted(msg)
	case tickMsg:
		// Auto-refresh a minute before expiry (or at a tenth of a short lifetime).
		tok := in.sess.State.Token
		if in.autoRefresh && in.busy == "" && in.sess.State.Can(flows.ActionRefresh) && !tok.Expiry.IsZero() {
			lead := min(time.Minute, time.Duration(tok.ExpiresIn)*time.Second/10)
			if tok.Remaining(in.k.now()) <= lead {
				return in, in.act(flows.ActionRefresh, "refreshing…")
			}
		}
	case tea.KeyPressMsg:
		if in.gate.paused() {
			switch {
			case key.Matches(msg, in.gate.keys.CancelEdit) && !in.gate.editing:
				in.gate.req = nil // esc at the gate: the action is not taken
				return in, nil
			case in.gated == flows.ActionCallAPI && !in.gate.editing && key.Matches(msg, in.keys.Tab):
				in.offer = (in.offer + 1) % len(in.offers)
				return in, in.offerCall()
			}
			return in, in.atGate(msg)
		}
		return in, in.key(msg)
	case tea.PasteMsg:
		if in.gate.typing() {
			return in, in.atGate(msg)
		}
	}
	return in, nil
}

// atGate passes a message to step mode's gate and does what was chosen.
func (in *inspect) atGate(msg tea.Msg) tea.Cmd {
	decision, edited, cmd := in.gate.update(msg)
	switch decision {
	case gateSend:
		input := flows.Input{Action: in.gated, Request: edited}
		if in.gated != flows.ActionCallAPI {
			return in.send(input, "sending…")
		}
		call := in.offers[in.offer]
		input.API = &call
		if edited != nil {
			call = callOf(*edited)
		}
		return tea.Batch(in.send(input, "calling the API…"), in.remember(call))
	case gateSkip:
		return emit(statusMsg("skipped: nothing was sent"))
	}
	return cmd
}

func (in *inspect) Typing() bool { return in.gate.typing() }

// act takes an action on the token as a step of the session; in step
// mode it first pauses before the request the action sends.
func (in *inspect) act(a flows.Action, busy string) tea.Cmd {
	if in.k.state.stepMode {
		if m, err := flows.New(in.sess.State, in.creds); err == nil {
			if req, ok, err := m.Pending(flows.Input{Action: a}); err == nil && ok {
				in.gate.pause(req)
				in.gated = a
				return nil
			}
		}
	}
	return in.send(flows.Input{Action: a}, busy)
}

// send takes the action now, with the request the person edited if any.
func (in *inspect) send(input flows.Input, busy string) tea.Cmd {
	in.busy = busy
	sessions, env, id, creds, owner := in.k.deps.Sessions, in.k.deps.Env, in.sess.ID, in.creds, in.id
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sess, step, err := sessions.Advance(ctx, id, creds, env, input)
		return stepDoneMsg{owner: owner, sess: sess, step: step, err: err}
	}
}

// acted shows what an action did: a refresh brings a new token to check;
// the others land in the Calls panel.
func (in *inspect) acted(msg stepDoneMsg) tea.Cmd {
	in.busy = ""
	if msg.sess.ID != "" {
		in.sess = msg.sess
	}
	step := msg.step
	if step.Name == string(flows.ActionRefresh) {
		if msg.err != nil {
			fix := "see the Steps panel"
			if step.Diagnosis != nil {
				fix = step.Diagnosis.Fix
			}
			return emit(statusMsg("refresh failed: " + fix))
		}
		in.checkInput = nil
		return tea.Batch(in.Init(), emit(statusMsg("refreshed: new access token")))
	}
	in.lastCall = &step
	in.panel, in.scroll = panelCalls, 0
	return nil
}

func (in *inspect) key(k tea.KeyPressMsg) tea.Cmd {
	tok := in.sess.State.Token
	if in.copyAs {
		return in.copyAsKey(k)
	}
	if key.Matches(k, in.keys.Back) {
		// The session is in the store, to open again from the start screen;
		// an action still on its way is recorded there too.
		return emit(showPickerMsg{})
	}
	if in.busy != "" && !key.Matches(k, in.keys.Tab, in.keys.BackTab, in.keys.Up, in.keys.Down, in.keys.Copy, in.keys.Reveal) {
		return nil // one action at a time
	}
	switch {
	case key.Matches(k, in.keys.Copy) && tok.AccessToken == "":
		return copyCmd(in.k.deps, tok.IDToken.Reveal(), "the ID token")
	case key.Matches(k, in.keys.Copy):
		return copyCmd(in.k.deps, tok.AccessToken.Reveal(), "the access token")
	case key.Matches(k, in.keys.CopyAs):
		in.copyAs, in.copyAsNudge = true, false
	case key.Matches(k, in.keys.Tab):
		in.panel, in.scroll = (in.panel+1)%panel(len(panelNames)), 0
	case key.Matches(k, in.keys.BackTab):
		in.panel, in.scroll = (in.panel+panel(len(panelNames))-1)%panel(len(panelNames)), 0
	case key.Matches(k, in.keys.Reveal):
		in.reveal = !in.reveal
	case key.Matches(k, in.keys.Polls):
		in.allPolls = !in.allPolls
	case key.Matches(k, in.keys.New):
		return emit(flowChosenMsg{method: in.sess.Method})
	case key.Matches(k, in.keys.Lab):
		return emit(labChosenMsg{params: in.sess.State.Params, creds: in.creds, back: authorizedMsg{sess: in.sess, creds: in.creds}})
	case key.Matches(k, in.keys.Up):
		in.scroll = max(0, in.scroll-1)
	case key.Matches(k, in.keys.Down):
		in.scroll++
	case key.Matches(k, in.keys.Refresh) && in.sess.State.Can(flows.ActionRefresh):
		return in.act(flows.ActionRefresh, "refreshing…")
	case key.Matches(k, in.keys.AutoRefresh) && in.sess.State.Can(flows.ActionRefresh):
		in.autoRefresh = !in.autoRefresh
		return emit(statusMsg(map[bool]string{true: "auto-refresh on: a minute before expiry", false: "auto-refresh off"}[in.autoRefresh]))
	case key.Matches(k, in.keys.Export) && in.k.deps.Sessions != nil:
		sessions, id := in.k.deps.Sessions, in.sess.ID
		return func() tea.Msg {
			path, err := sessions.WriteReport(id)
			return reportWrittenMsg{path: path, err: err}
		}
	case key.Matches(k, in.keys.Introspect) && in.sess.State.Can(flows.ActionIntrospect):
		return in.act(flows.ActionIntrospect, "introspecting…")
	case key.Matches(k, in.keys.Revoke) && in.sess.State.Can(flows.ActionRevoke):
		return in.act(flows.ActionRevoke, "revoking…")
	case key.Matches(k, in.keys.CallAPI) && in.sess.State.Can(flows.ActionCallAPI):
		in.offer = 0
		return in.offerCall()
	case key.Matches(k, in.keys.CopyBody) && in.bodyToCopy() != "":
		return copyCmd(in.k.deps, in.bodyToCopy(), "the response body")
	}
	return nil
}

// bodyToCopy is the body of the latest action's last response, which b
// copies; "" when there is none.
func (in *inspect) bodyToCopy() string {
	if in.lastCall == nil || len(in.lastCall.Exchanges) == 0 {
		return ""
	}
	if resp := in.lastCall.Exchanges[len(in.lastCall.Exchanges)-1].Response; resp != nil {
		return resp.Body
	}
	return ""
}

// offerCall pauses before the offered call at in.offer: an API call is
// always shown first, to send as it is, edit, or swap (tab) for another.
func (in *inspect) offerCall() tea.Cmd {
	call := in.offers[in.offer]
	m, err := flows.New(in.sess.State, in.creds)
	if err != nil {
		return emit(statusMsg(err.Error()))
	}
	req, ok, err := m.Pending(flows.Input{Action: flows.ActionCallAPI, API: &call})
	if err != nil || !ok {
		return emit(statusMsg(fmt.Sprintf("that call cannot be made: %v", err)))
	}
	in.gate.pause(req)
	in.gated = flows.ActionCallAPI
	if len(in.offers) > 1 {
		in.gate.hint = fmt.Sprintf("Call %d of %d offered (the provider's, then this profile's recent ones): tab shows the next.", in.offer+1, len(in.offers))
	}
	return nil
}

// remember keeps a call for the profile's next tokens, in a command.
func (in *inspect) remember(call flows.APIRequest) tea.Cmd {
	sessions, profile := in.k.deps.Sessions, in.sess.Profile
	if sessions == nil {
		return nil
	}
	return func() tea.Msg {
		if err := sessions.RememberCall(profile, call); err != nil {
			return statusMsg("the call could not be remembered: " + err.Error())
		}
		return nil
	}
}

// callOf is a call as a person edited it, to offer again: without the
// token or any header that could carry a secret, which are never kept.
func callOf(r flows.Request) flows.APIRequest {
	c := flows.APIRequest{Method: r.Method, Path: r.URL, Body: r.Body}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "authorization" || lk == "proxy-authorization" || lk == "cookie" || lk == "dpop" || lk == "user-agent" ||
			strings.Contains(lk, "key") || strings.Contains(lk, "token") || strings.Contains(lk, "secret") {
			continue
		}
		if c.Header == nil {
			c.Header = map[string][]string{}
		}
		c.Header[k] = vs
	}
	return c
}
