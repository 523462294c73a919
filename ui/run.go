package ui

import (
	"context"
	"errors"
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
// It is the session's one owner while it runs: it holds the credentials,
// in memory, and hands them to every step and then to the inspector.
type runScreen struct {
	frame
	keys    runKeys
	spin    spinner.Model
	draft   flows.Draft // what was run, for editing after a failure
	creds   flows.Credentials
	sess    store.Session
	first   flows.State // the state to create the session with (nil ID: created already)
	cancel  context.CancelFunc
	busy    bool
	err     error
	last    *flows.Step
	mode    inputMode
	input   textinput.Model // the pasted URL, or the client secret asked again
	note    string
	showQR  bool
	created bool
	gate    gate // step mode's pause before each request
}

// inputMode is what the run screen's text input is for, if anything.
type inputMode int

const (
	inputNone   inputMode = iota
	inputPaste            // the URL the browser ended on
	inputSecret           // the client secret a resumed session needs
)

// newRun runs a draft from the state its preview showed.
func newRun(k *kit, id int, d flows.Draft, first flows.State) *runScreen {
	r := baseRun(k, id)
	r.draft, r.creds, r.first = d, d.Creds, first
	r.sess.State = first
	return r
}

// resumeRun picks up a saved session: a failure shows its diagnosis, a
// flow that was waiting waits again, asking first for the client secret
// that was never saved, when the session needs one and the profile has none.
func resumeRun(k *kit, id int, sess store.Session, creds flows.Credentials) *runScreen {
	r := baseRun(k, id)
	r.sess, r.creds, r.created = sess, creds, true
	r.draft = flows.Draft{Method: sess.Method, Params: sess.State.Params, Creds: creds, Seed: sess.State.Seed}
	if n := len(sess.Steps); n > 0 {
		r.last = &sess.Steps[n-1]
	}
	if sess.State.Phase != flows.PhaseFailed && needsSecret(sess.State, creds) {
		r.mode = inputSecret
		r.input.Placeholder = "client secret (empty for a public client)"
		r.input.EchoMode = textinput.EchoPassword
		r.input.EchoCharacter = '•'
		r.note = "This session was left waiting. Its client secret is never saved: type it again to go on."
	}
	return r
}

// needsSecret: a session that authenticates its client but has no secret.
func needsSecret(st flows.State, creds flows.Credentials) bool {
	return creds.ClientSecret == "" && st.AuthenticatesClient()
}

func baseRun(k *kit, id int) *runScreen {
	r := &runScreen{frame: frame{k: k, id: id}, gate: newGate(),
		spin: spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(k.styles.Accent)),
		keys: runKeys{
			Open: bind("o", "o", "open browser"), CopyURL: bind("c", "c", "copy URL"), Paste: bind("v", "v", "paste URL"),
			Approve: bind("a", "a", "approve (demo)"), Edit: bind("enter", "enter", "edit parameters"),
			QR:   bind("r", "r", "QR code"),
			Back: bind("esc", "esc", "cancel"), Confirm: bind("enter", "enter", "use this"),
		},
	}
	r.input = textinput.New()
	r.input.Prompt = "› "
	r.input.Placeholder = "http://127.0.0.1:…/callback?code=…&state=…"
	r.input.CharLimit = 16 << 10
	return r
}

func (r *runScreen) Title() string      { return "running" }
func (r *runScreen) Flow() flows.Method { return r.sess.State.Method }
func (r *runScreen) Typing() bool       { return r.mode != inputNone || r.gate.typing() }
func (r *runScreen) SetSize(w, h int)   { r.frame.SetSize(w, h); r.input.SetWidth(max(10, w-8)) }

// Counting: a redirect wait shows its timeout, a device flow its expiry.
func (r *runScreen) Counting() bool { return r.waiting() && !r.failed() }

// Init creates the session and takes the first step; a resumed session
// waits again (or first asks for its secret); a failed one only shows.
func (r *runScreen) Init() tea.Cmd {
	switch {
	case r.mode == inputSecret:
		return r.input.Focus()
	case !r.created:
		r.busy = true
		sessions, profile, st, owner := r.k.deps.Sessions, r.k.state.profile.Name, r.first, r.id
		return tea.Batch(r.spin.Tick, func() tea.Msg {
			sess, err := sessions.Create(profile, st)
			return createdMsg{owner: owner, sess: sess, err: err}
		})
	case r.sess.State.Phase == flows.PhaseFailed:
		return nil
	}
	r.note = "Resumed: waiting again where the flow left off."
	return tea.Batch(r.spin.Tick, r.next())
}

// next takes the next step, or in step mode pauses before the request it
// would send (a device flow's repeated polls go on by themselves).
func (r *runScreen) next() tea.Cmd {
	if r.k.state.stepMode {
		if m, err := flows.New(r.sess.State, r.creds); err == nil {
			if req, ok, err := m.Pending(flows.Input{}); err == nil && ok && req.Purpose != flows.PurposePoll {
				r.busy = false
				r.gate.pause(req)
				return nil
			}
		}
	}
	return r.advance(flows.Input{})
}

// advance takes the session's next step in a command; cancelling its
// context (esc) ends a wait without recording a step.
func (r *runScreen) advance(in flows.Input) tea.Cmd {
	r.busy = true
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	sessions, env, id, owner, creds := r.k.deps.Sessions, r.k.deps.Env, r.sess.ID, r.id, r.creds
	return func() tea.Msg {
		sess, step, err := sessions.Advance(ctx, id, creds, env, in)
		return stepDoneMsg{owner: owner, sess: sess, step: step, err: err}
	}
}

func (r *runScreen) waiting() bool {
	return r.sess.State.Phase == flows.PhaseAwaitingRedirect || r.sess.State.Phase == flows.PhaseAwaitingUser
}

func (r *runScreen) failed() bool {
	return r.sess.State.Phase == flows.PhaseFailed || (r.err != nil && !r.busy)
}

func (r *runScreen) ShortHelp() []key.Binding {
	if r.mode != inputNone {
		return []key.Binding{r.keys.Confirm, r.keys.Back}
	}
	if r.gate.paused() {
		if r.gate.editing {
			return r.gate.shortHelp()
		}
		return append(r.gate.shortHelp(), r.keys.Back)
	}
	redirect := r.sess.State.Phase == flows.PhaseAwaitingRedirect
	r.keys.Open.SetEnabled(r.waiting() && r.k.deps.OpenBrowser != nil)
	r.keys.CopyURL.SetEnabled(r.waiting())
	r.keys.Paste.SetEnabled(redirect)
	r.keys.Approve.SetEnabled(r.waiting() && r.k.demo() != nil)
	r.keys.Edit.SetEnabled(r.failed())
	r.keys.QR.SetEnabled(r.sess.State.Phase == flows.PhaseAwaitingUser)
	return []key.Binding{r.keys.Open, r.keys.CopyURL, r.keys.Paste, r.keys.QR, r.keys.Approve, r.keys.Edit, r.keys.Back}
}

func (r *runScreen) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }

// url is what the person opens: the authorization URL, or the device
// flow's verification address.
func (r *runScreen) url() string {
	if d := r.sess.State.Device; d != nil {
		return cmpOr(d.VerificationURIComplete, d.VerificationURI)
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
	case createdMsg:
		if msg.owner != r.id {
			return r, nil
		}
		if msg.err != nil {
			r.busy, r.err = false, msg.err
			return r, nil
		}
		r.sess, r.created = msg.sess, true
		return r, r.next()
	case stepDoneMsg:
		if msg.owner != r.id {
			return r, nil
		}
		return r, r.stepDone(msg)
	case approvedMsg:
		if msg.owner == r.id && msg.err != nil {
			r.note = "Demo approval failed: " + msg.err.Error()
			if note, ok := refusalNote(msg.err, r.sess.State); ok {
				r.note = note
			}
		}
		return r, nil
	case openedMsg:
		if msg.owner == r.id {
			r.note = "Opened in your browser."
			if msg.err != nil {
				r.note = "The browser could not be opened: " + msg.err.Error()
			}
		}
		return r, nil
	case pastedMsg:
		if msg.owner == r.id {
			r.note = "URL accepted."
			if msg.err != nil {
				r.note = "That URL was not accepted: " + msg.err.Error()
				if note, ok := refusalNote(msg.err, r.sess.State); ok {
					r.note = note
				}
			}
		}
		return r, nil
	case tea.KeyPressMsg:
		if r.gate.paused() && !(key.Matches(msg, r.keys.Back) && !r.gate.editing) {
			return r, r.atGate(msg)
		}
		return r, r.key(msg)
	case tea.PasteMsg:
		if r.gate.typing() {
			return r, r.atGate(msg)
		}
		if r.mode == inputNone {
			return r, nil
		}
	}
	if r.mode != inputNone {
		var cmd tea.Cmd
		r.input, cmd = updateInput(r.input, msg)
		return r, cmd
	}
	return r, nil
}

// atGate passes a message to step mode's gate and does what was chosen.
func (r *runScreen) atGate(msg tea.Msg) tea.Cmd {
	decision, edited, cmd := r.gate.update(msg)
	switch decision {
	case gateSend:
		in := flows.Input{Request: edited}
		return tea.Batch(r.spin.Tick, r.advance(in))
	case gateSkip:
		r.note = "Skipped: nothing was sent. The session waits here; it can be resumed from the start screen, and esc goes back to the form."
	}
	return cmd
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
	case r.sess.State.Phase == flows.PhaseFailed || msg.err != nil:
		r.err = msg.err
		return nil
	}
	// Waiting or exchanging: the next step starts at once; for a browser
	// flow it blocks until the redirect arrives.
	return tea.Batch(r.next(), r.spin.Tick)
}

func (r *runScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if r.mode != inputNone {
		return r.inputKey(k)
	}
	switch {
	case key.Matches(k, r.keys.Back):
		return r.leave()
	case key.Matches(k, r.keys.Edit) && r.failed():
		return emit(editMsg{draft: r.draft})
	case key.Matches(k, r.keys.Open) && r.keys.Open.Enabled():
		if err := flows.OpenableURL(r.url()); err != nil {
			r.note = "Not opened: " + err.Error()
			return nil
		}
		open, u, owner := r.k.deps.OpenBrowser, r.url(), r.id
		return func() tea.Msg { return openedMsg{owner: owner, err: open(u)} }
	case key.Matches(k, r.keys.CopyURL) && r.waiting():
		return copyCmd(r.k.deps, r.url(), "the authorization URL")
	case key.Matches(k, r.keys.Paste) && r.keys.Paste.Enabled():
		r.mode = inputPaste
		return r.input.Focus()
	case key.Matches(k, r.keys.QR) && r.keys.QR.Enabled():
		r.showQR = !r.showQR
	case key.Matches(k, r.keys.Approve) && r.keys.Approve.Enabled():
		return r.approve()
	}
	return nil
}

// leave cancels the run (a wait ends, its listener closes) and goes back
// to the form with what was typed.
func (r *runScreen) leave() tea.Cmd {
	if r.cancel != nil {
		r.cancel()
	}
	r.id = -1 // whatever is still on its way belongs to no screen now
	lb, uri := r.k.deps.Env.Loopback, r.sess.State.RedirectURI
	closeListener := func() tea.Msg {
		if lb != nil && uri != "" {
			lb.Close(uri)
		}
		return nil
	}
	return tea.Batch(closeListener, emit(editMsg{draft: r.draft}))
}

func (r *runScreen) inputKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, r.keys.Back) && r.mode == inputSecret:
		return emit(showStartMsg{})
	case key.Matches(k, r.keys.Back):
		r.mode = inputNone
		return nil
	case key.Matches(k, r.keys.Confirm) && r.mode == inputSecret:
		r.mode = inputNone
		r.creds.ClientSecret = flows.Secret(r.input.Value())
		r.draft.Creds = r.creds
		r.input.SetValue("")
		r.input.EchoMode = textinput.EchoNormal
		r.note = "Resumed: waiting again where the flow left off."
		return tea.Batch(r.spin.Tick, r.next())
	case key.Matches(k, r.keys.Confirm):
		r.mode = inputNone
		lb, uri, pasted, owner := r.k.deps.Env.Loopback, r.sess.State.RedirectURI, r.input.Value(), r.id
		r.input.SetValue("")
		return func() tea.Msg {
			err := lb.Paste(uri, pasted)
			if page := flows.ParseRefusal(pasted); err != nil && page != nil {
				err = page // the error the server's page showed, copied from it
			}
			return pastedMsg{owner: owner, err: err}
		}
	}
	var cmd tea.Cmd
	r.input, cmd = updateInput(r.input, k)
	return cmd
}

func (r *runScreen) approve() tea.Cmd {
	demo, owner, st := r.k.demo(), r.id, r.sess.State
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
		return approvedMsg{owner: owner, err: err}
	}
}
