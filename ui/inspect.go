package ui

import (
	"context"
	"fmt"
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
	Introspect, Revoke, Export, AutoRefresh                             key.Binding
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
	lastCall    *flows.Step // the latest action's step, for the Calls panel
}

func newInspect(k *kit, id int, sess store.Session, creds flows.Credentials) *inspect {
	return &inspect{frame: frame{k: k, id: id}, sess: sess, creds: creds, keys: inspectKeys{
		Copy: bind("c", "c", "copy access token"), CopyAs: bind("C", "C", "copy as…"), Refresh: bind("r", "r", "refresh"),
		CallAPI: bind("a", "a", "call API"), Tab: bind("tab", "tab", "next panel"), BackTab: bind("shift+tab", "shift+tab", "previous panel"),
		Reveal: bind("ctrl+r", "ctrl+r", "reveal"), New: bind("n", "n", "new flow"), Up: bind("up,k", "↑/k", "scroll"), Down: bind("down,j", "↓/j", "scroll"),
		Introspect: bind("i", "i", "introspect"), Revoke: bind("x", "x", "revoke"), Export: bind("e", "e", "export report"),
		AutoRefresh: bind("A", "A", "auto-refresh"),
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
		in.keys.Export, in.keys.AutoRefresh, in.keys.Reveal, in.keys.New}
}

func (in *inspect) FullHelp() [][]key.Binding {
	short := in.ShortHelp()
	if in.copyAs {
		return [][]key.Binding{short}
	}
	return [][]key.Binding{short[:6], append(short[6:], in.keys.BackTab, in.keys.Up, in.keys.Down)}
}

// Init fetches what the checks need (the key set), once.
func (in *inspect) Init() tea.Cmd {
	env, st, owner := in.k.deps.Env, in.sess.State, in.id
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return checksMsg{owner: owner, input: flows.PrepareChecks(ctx, env, st)}
	}
}

func (in *inspect) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case checksMsg:
		if msg.owner == in.id {
			in.checkInput = &msg.input
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
		return in, in.key(msg)
	}
	return in, nil
}

// act takes an action on the token as a step of the session.
func (in *inspect) act(a flows.Action, busy string) tea.Cmd {
	in.busy = busy
	sessions, env, id, creds, owner := in.k.deps.Sessions, in.k.deps.Env, in.sess.ID, in.creds, in.id
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sess, step, err := sessions.Advance(ctx, id, creds, env, flows.Input{Action: a})
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
		in.copyAs = false
		if i := int(k.Code - '1'); k.Text != "" && i >= 0 && i < len(TokenForms) {
			f := TokenForms[i]
			text, err := FormatToken(in.sess.State, f.Name)
			if err != nil {
				return emit(statusMsg(err.Error()))
			}
			return copyCmd(in.k.deps, text, f.What)
		}
		return nil
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
		in.copyAs = true
	case key.Matches(k, in.keys.Tab):
		in.panel, in.scroll = (in.panel+1)%panel(len(panelNames)), 0
	case key.Matches(k, in.keys.BackTab):
		in.panel, in.scroll = (in.panel+panel(len(panelNames))-1)%panel(len(panelNames)), 0
	case key.Matches(k, in.keys.Reveal):
		in.reveal = !in.reveal
	case key.Matches(k, in.keys.New):
		return emit(flowChosenMsg{method: in.sess.Method})
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
		return in.act(flows.ActionCallAPI, "calling the API…")
	}
	return nil
}
