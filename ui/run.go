package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

type runKeys struct{ Open, CopyURL, Paste, Approve, QR, Edit, Back, Confirm key.Binding }

// runScreen drives a session step by step until it is authorized or fails.
type runScreen struct {
	c       *common
	keys    runKeys
	spin    spinner.Model
	sess    store.Session
	state   flows.State
	creds   flows.Credentials
	attempt int
	cancel  context.CancelFunc
	busy    bool
	err     error
	last    *flows.Step
	pasting bool
	paste   textinput.Model
	note    string
	showQR  bool
	resumed bool
	asking  bool // the paste field holds the client secret, asked again on resume // the session exists already: carry on rather than create
}

// runAttempts numbers runs across the program, so a result from an earlier
// run is never taken for this one's.
var runAttempts atomic.Int64

func newRun(c *common, st flows.State, creds flows.Credentials) *runScreen {
	r := &runScreen{c: c, state: st, creds: creds, attempt: int(runAttempts.Add(1)),
		spin: spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(c.styles.Accent)),
		keys: runKeys{
			Open: bind("o", "o", "open browser"), CopyURL: bind("c", "c", "copy URL"), Paste: bind("v", "v", "paste the URL you ended on"),
			Approve: bind("a", "a", "approve as demo user (demo shortcut)"), Edit: bind("enter", "enter", "edit parameters"),
			QR:   bind("r", "r", "QR code"),
			Back: bind("esc", "esc", "cancel"), Confirm: bind("enter", "enter", "use this URL"),
		},
	}
	r.paste = textinput.New()
	r.paste.Prompt = "› "
	r.paste.Placeholder = "http://127.0.0.1:…/callback?code=…&state=…"
	r.paste.SetWidth(c.width - 8)
	r.paste.CharLimit = 16 << 10
	return r
}

func (r *runScreen) start() tea.Cmd {
	if r.resumed {
		r.note = "Resumed: waiting again where the flow left off."
		return tea.Batch(r.spin.Tick, r.advance(flows.Input{}))
	}
	sess, err := r.c.deps.Store.Create(r.c.deps.Profile.Name, r.state)
	if err != nil {
		r.err = err
		return nil
	}
	r.sess = sess
	return tea.Batch(r.spin.Tick, r.advance(flows.Input{}))
}

func (r *runScreen) advance(in flows.Input) tea.Cmd {
	r.busy = true
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	st, env, id, attempt, creds := r.c.deps.Store, r.c.deps.Env, r.sess.ID, r.attempt, r.creds
	return func() tea.Msg {
		sess, step, err := st.Advance(ctx, id, creds, env, in)
		return stepDoneMsg{attempt: attempt, sess: sess, step: step, err: err}
	}
}

func (r *runScreen) Typing() bool { return r.pasting || r.asking }

// askSecret turns the paste field into a masked prompt for the client secret.
func (r *runScreen) askSecret() {
	r.asking = true
	r.paste.Placeholder = "client secret"
	r.paste.EchoMode = textinput.EchoPassword
	r.paste.EchoCharacter = '•'
	r.note = "This session was left waiting. Its client secret is never saved: type it again to go on."
}

func (r *runScreen) waiting() bool {
	return r.sess.State.Phase == flows.PhaseAwaitingRedirect || r.sess.State.Phase == flows.PhaseAwaitingUser
}

func (r *runScreen) Keys() []key.Binding {
	if r.pasting || r.asking {
		return []key.Binding{r.keys.Confirm, r.keys.Back}
	}
	redirect := r.sess.State.Phase == flows.PhaseAwaitingRedirect
	r.keys.Open.SetEnabled(r.waiting() && r.c.deps.Env.OpenBrowser != nil)
	r.keys.CopyURL.SetEnabled(r.waiting())
	r.keys.Paste.SetEnabled(redirect)
	r.keys.Approve.SetEnabled(r.waiting() && r.c.demo() != nil)
	r.keys.Edit.SetEnabled(r.failed())
	r.keys.QR.SetEnabled(r.sess.State.Phase == flows.PhaseAwaitingUser)
	return []key.Binding{r.keys.Open, r.keys.CopyURL, r.keys.Paste, r.keys.QR, r.keys.Approve, r.keys.Edit, r.keys.Back}
}

func (r *runScreen) failed() bool {
	return r.sess.State.Phase == flows.PhaseFailed || (r.err != nil && !r.busy)
}

func (r *runScreen) url() string {
	if d := r.sess.State.Device; d != nil {
		return or(d.VerificationURIComplete, d.VerificationURI)
	}
	return r.sess.State.AuthURL
}

func (r *runScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !r.busy {
			return r, nil // let the tick loop end while nothing runs
		}
		var cmd tea.Cmd
		r.spin, cmd = r.spin.Update(msg)
		return r, cmd
	case stepDoneMsg:
		if msg.attempt != r.attempt {
			return r, nil
		}
		return r, r.stepDone(msg)
	case approvedMsg:
		if msg.attempt == r.attempt && msg.err != nil {
			r.note = "Demo approval failed: " + msg.err.Error()
		}
		return r, nil
	case tea.PasteMsg:
		if r.pasting {
			var cmd tea.Cmd
			r.paste, cmd = r.paste.Update(msg)
			return r, cmd
		}
	case tea.KeyPressMsg:
		return r, r.key(msg)
	}
	if r.pasting {
		var cmd tea.Cmd
		r.paste, cmd = r.paste.Update(msg)
		return r, cmd
	}
	return r, nil
}

func (r *runScreen) stepDone(msg stepDoneMsg) tea.Cmd {
	r.busy = false
	if msg.sess.ID != "" {
		r.sess = msg.sess
	}
	if msg.step.Name != "" {
		st := msg.step
		r.last = &st
	}
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case r.sess.State.Phase == flows.PhaseAuthorized:
		return emit(authorizedMsg{sess: r.sess, creds: r.creds})
	case r.sess.State.Phase == flows.PhaseFailed:
		r.err = msg.err
		return nil
	case msg.err != nil:
		r.err = msg.err
		return nil
	}
	// Waiting or exchanging: the next step starts at once; for a browser
	// flow it blocks until the redirect arrives.
	var cmds []tea.Cmd
	if r.waiting() && r.c.deps.Env.OpenBrowser != nil && len(r.sess.Steps) == 1 {
		r.note = "Opened in your browser."
	}
	cmds = append(cmds, r.advance(flows.Input{}), r.spin.Tick)
	return tea.Batch(cmds...)
}

func (r *runScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if r.asking {
		switch {
		case key.Matches(k, r.keys.Back):
			return emit(backMsg{})
		case key.Matches(k, r.keys.Confirm):
			r.asking = false
			r.creds = flows.Credentials{ClientSecret: flows.Secret(r.paste.Value()), Password: r.c.deps.Profile.Creds.Password}
			r.paste.SetValue("")
			r.paste.EchoMode = textinput.EchoNormal
			r.paste.Placeholder = "http://127.0.0.1:…/callback?code=…&state=…"
			r.note = "Resumed: waiting again where the flow left off."
			return tea.Batch(r.spin.Tick, r.advance(flows.Input{}))
		}
		var cmd tea.Cmd
		r.paste, cmd = r.paste.Update(k)
		return cmd
	}
	if r.pasting {
		switch {
		case key.Matches(k, r.keys.Back):
			r.pasting = false
			return nil
		case key.Matches(k, r.keys.Confirm):
			r.pasting = false
			if err := r.c.deps.Env.Loopback.Paste(r.sess.State.RedirectURI, r.paste.Value()); err != nil {
				r.note = "That URL was not accepted: " + err.Error()
			} else {
				r.note = "URL accepted."
			}
			r.paste.SetValue("")
			return nil
		}
		var cmd tea.Cmd
		r.paste, cmd = r.paste.Update(k)
		return cmd
	}
	switch {
	case key.Matches(k, r.keys.Back):
		if r.cancel != nil {
			r.cancel()
		}
		r.attempt = -1
		if r.sess.State.RedirectURI != "" {
			r.c.deps.Env.Loopback.Close(r.sess.State.RedirectURI)
		}
		return emit(backMsg{})
	case key.Matches(k, r.keys.Edit) && r.failed():
		return emit(backMsg{})
	case key.Matches(k, r.keys.Open) && r.keys.Open.Enabled():
		if err := flows.OpenableURL(r.url()); err != nil {
			r.note = "Not opened: " + err.Error()
		} else if err := r.c.deps.Env.OpenBrowser(r.url()); err != nil {
			r.note = "The browser could not be opened: " + err.Error()
		} else {
			r.note = "Opened in your browser."
		}
	case key.Matches(k, r.keys.CopyURL) && r.waiting():
		return copyCmd(r.c, r.url(), "the authorization URL")
	case key.Matches(k, r.keys.Paste) && r.sess.State.Phase == flows.PhaseAwaitingRedirect:
		r.pasting = true
		return r.paste.Focus()
	case key.Matches(k, r.keys.QR) && r.keys.QR.Enabled():
		r.showQR = !r.showQR
	case key.Matches(k, r.keys.Approve) && r.keys.Approve.Enabled():
		return r.approve()
	}
	return nil
}

func (r *runScreen) approve() tea.Cmd {
	demo, attempt, st := r.c.demo(), r.attempt, r.sess.State
	r.note = "Approving as the demo user…"
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		if st.Device != nil {
			err = demo.ApproveDevice(ctx, st.Device.UserCode)
		} else {
			err = demo.ApproveURL(ctx, st.AuthURL)
		}
		return approvedMsg{attempt: attempt, err: err}
	}
}

func (r *runScreen) stage() (int, []string) {
	switch r.state.Method {
	case flows.AuthorizationCode:
		i := map[flows.Phase]int{flows.PhaseReady: 1, flows.PhaseAwaitingRedirect: 1, flows.PhaseExchanging: 2, flows.PhaseFailed: 1}[r.sess.State.Phase]
		if r.sess.State.Phase == flows.PhaseFailed && r.sess.State.StateMatched {
			i = 2
		}
		return i, []string{"Configure", "Sign in", "Exchange code", "Inspect"}
	case flows.Implicit:
		return 1, []string{"Configure", "Sign in", "Inspect"}
	case flows.DeviceCode:
		i := 1
		if r.sess.State.Phase == flows.PhaseAwaitingUser || r.sess.State.Device != nil {
			i = 2
		}
		return i, []string{"Configure", "Get code", "Approve on a device", "Inspect"}
	}
	return 1, []string{"Configure", "Request token", "Inspect"}
}

func (r *runScreen) View() string {
	s := r.c.styles
	w := r.c.width - 4
	var b strings.Builder
	cur, names := r.stage()
	b.WriteString(stepper(s, names, cur, r.failed()) + "\n\n")
	st := r.sess.State
	switch {
	case r.failed():
		b.WriteString(r.failureView())
		return b.String()
	case st.Phase == flows.PhaseAwaitingRedirect:
		left := ""
		if n := len(r.sess.Steps); n > 0 && st.Params.Timeout > 0 {
			if rem := r.sess.Steps[n-1].At.Add(time.Duration(st.Params.Timeout)).Sub(r.c.now()); rem > 0 {
				left = s.Subtle.Render("   times out in " + flows.Human(rem))
			}
		}
		fmt.Fprintf(&b, "  %s Waiting for your browser to come back to\n    %s%s\n\n", r.spin.View(), s.Accent.Render(st.RedirectURI), left)
		b.WriteString("  " + s.Subtle.Render("Sign in here:") + "\n")
		b.WriteString(indent(s.Value.Render(hardWrap(st.AuthURL, w-2)), 2) + "\n")
	case st.Phase == flows.PhaseAwaitingUser && st.Device != nil && r.showQR:
		d := st.Device // the code needs the room: one line of words, then the code
		fmt.Fprintf(&b, "  %s Scan it, or open %s and enter %s\n%s\n", r.spin.View(), s.Accent.Render(d.VerificationURI), s.Title.Render(d.UserCode),
			indent(qrCode(or(d.VerificationURIComplete, d.VerificationURI)), 2))
		return b.String()
	case st.Phase == flows.PhaseAwaitingUser && st.Device != nil:
		d := st.Device
		fmt.Fprintf(&b, "  %s Waiting for someone to approve on another device\n\n", r.spin.View())
		fmt.Fprintf(&b, "  Open   %s\n  Enter  %s\n", s.Accent.Render(truncate(d.VerificationURI, w-7)), s.Title.Render(truncate(d.UserCode, w-7)))
		if err := flows.OpenableURL(d.VerificationURI); err != nil {
			b.WriteString(wrapIndent("⚠ "+err.Error(), w, 2, s.Warn) + "\n")
		}
		fmt.Fprintf(&b, "  %s\n", s.Subtle.Render(fmt.Sprintf("expires in %s · polled %d time(s) · every %s", flows.Human(d.Expires.Sub(r.c.now())), d.Polls, flows.Human(time.Duration(d.Interval)))))
	default:
		fmt.Fprintf(&b, "  %s %s\n", r.spin.View(), s.Text.Render(r.busyCaption()))
	}
	if r.pasting {
		b.WriteString("\n  " + s.Subtle.Render("Paste the whole address your browser ended on, then enter:") + "\n  " + r.paste.View() + "\n")
	}
	if r.asking {
		b.WriteString("\n  " + s.Title.Render("Client secret for "+or(r.sess.State.Params.ClientID, "this client")+": ") + r.paste.View() + "\n")
	}
	if r.note != "" {
		b.WriteString("\n  " + s.Subtle.Render(r.note) + "\n")
	}
	if r.last != nil && r.last.WhatHappened != "" {
		b.WriteString("\n" + wrapIndent(s.Subtle.Render("What just happened: ")+r.last.WhatHappened, w, 2, s.Text) + "\n")
		for _, n := range r.last.Notes {
			b.WriteString(wrapIndent("⚠ "+n, w, 2, s.Warn) + "\n")
		}
	}
	return b.String()
}

func (r *runScreen) busyCaption() string {
	switch r.sess.State.Phase {
	case flows.PhaseExchanging:
		return "Trading the code for tokens…"
	case flows.PhaseReady, "":
		return "Talking to the server…"
	}
	return "Working…"
}

func (r *runScreen) failureView() string {
	s := r.c.styles
	w := r.c.width - 4
	var b strings.Builder
	d := r.sess.State.Failure
	if d == nil && r.err != nil {
		d = flows.Explain(r.err, flows.ExplainContext{})
	}
	if d == nil {
		d = &flows.Diagnosis{Fix: "Try again.", Cause: "The flow stopped."}
	}
	caption := "The flow failed"
	if r.last != nil {
		caption = r.last.Caption + ": failed"
	}
	b.WriteString("  " + s.Err.Render("✗ "+caption) + "\n\n")
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
		b.WriteString("\n  " + s.Subtle.Render(truncate(line, w-2)) + "\n")
	}
	return b.String()
}
