package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

type formKeys struct{ Run, Back, Reveal key.Binding }

// form is the parameter form of one method: its fields as the method's
// spec lists them, checked as the person types, and the request the first
// step will send, built by the method itself.
type form struct {
	frame
	rows   fieldRows
	rk     rowKeys
	keys   formKeys
	draft  flows.Draft
	prev   flows.State // the random values the preview shows and the run sends
	reveal bool
	err    string
}

func newForm(k *kit, id int, d flows.Draft) *form {
	f := &form{frame: frame{k: k, id: id}, draft: d, rk: newRowKeys(), keys: formKeys{
		Run: bind("enter", "enter", "run"), Back: bind("esc", "esc", "back"), Reveal: bind("ctrl+r", "ctrl+r", "reveal secrets"),
	}}
	f.prev, _ = d.Start()
	for _, fd := range flows.SpecOf(d.Method).FieldDefs() {
		v := d.Get(fd.ID)
		if fd.Kind == flows.KindChoice {
			f.rows.rows = append(f.rows.rows, newChoiceRow(string(fd.ID), fd.Label, fd.Hint, fd.Choices, v))
			continue
		}
		f.rows.rows = append(f.rows.rows, newTextRow(string(fd.ID), fd.Label, fd.Hint, fd.Kind, v))
	}
	f.check()
	return f
}

func (f *form) Title() string      { return "parameters" }
func (f *form) Flow() flows.Method { return f.draft.Method }
func (f *form) Typing() bool       { return f.rows.Typing() }
func (f *form) SetSize(w, h int)   { f.frame.SetSize(w, h); f.rows.setWidth(w) }
func (f *form) ShortHelp() []key.Binding {
	f.rk.Cycle.SetEnabled(!f.rows.Typing())
	return []key.Binding{f.keys.Run, f.rk.Next, f.rk.Prev, f.rk.Cycle, f.keys.Reveal, f.keys.Back}
}
func (f *form) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

// Init focuses the first field and, for a refresh, looks for the refresh
// token of the profile's latest session.
func (f *form) Init() tea.Cmd {
	cmds := []tea.Cmd{f.rows.setFocus(0)}
	if slices.Contains(flows.SpecOf(f.draft.Method).Fields, flows.FieldRefreshToken) && f.draft.Seed == "" && f.k.deps.Sessions != nil {
		cmds = append(cmds, latestRefreshToken(f.k.deps.Sessions, f.k.state.profile.Name, f.id))
	}
	return tea.Batch(cmds...)
}

// latestRefreshToken finds the refresh token of the profile's newest
// session that has one: "a refresh token kept from an earlier sign-in".
func latestRefreshToken(sessions Sessions, profile string, owner int) tea.Cmd {
	return func() tea.Msg {
		list, err := sessions.List(profile, "")
		if err != nil {
			return refreshTokenFoundMsg{owner: owner}
		}
		for _, sum := range list[:min(len(list), 50)] {
			if sess, err := sessions.Get(sum.ID); err == nil && sess.State.Token != nil && sess.State.Token.RefreshToken != "" {
				return refreshTokenFoundMsg{owner: owner, token: sess.State.Token.RefreshToken}
			}
		}
		return refreshTokenFoundMsg{owner: owner}
	}
}

func (f *form) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case refreshTokenFoundMsg:
		if r := f.rows.row(string(flows.FieldRefreshToken)); msg.owner == f.id && r != nil && r.input.Value() == "" && msg.token != "" {
			r.input.SetValue(msg.token.Reveal())
			r.hint = "from your latest session"
			f.changed()
		}
		return f, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Back):
			return f, emit(showPickerMsg{})
		case key.Matches(msg, f.keys.Reveal):
			f.reveal = !f.reveal
			f.rows.reveal(f.reveal)
			return f, nil
		case key.Matches(msg, f.keys.Run):
			return f, f.submit()
		}
	}
	cmd, changed := f.rows.update(msg, f.rk)
	if changed {
		f.changed()
	}
	return f, cmd
}

// changed takes the rows' values into the draft and checks it again. The
// run's first state follows (a DPoP key made once, when DPoP is turned
// on), so the preview and the run share its random values.
func (f *form) changed() {
	for _, r := range f.rows.rows {
		f.draft.Set(flows.FieldID(r.id), r.value()) //nolint:errcheck // a choice row holds only its choices
	}
	f.prev, _ = f.draft.Restart(f.prev)
	f.check()
}

// check notes each field's problem beside it.
func (f *form) check() {
	for _, r := range f.rows.rows {
		r.note = ""
	}
	for _, fe := range f.draft.Check() {
		if r := f.rows.row(string(fe.Field)); r != nil {
			r.note = fe.Err
		}
	}
}

func (f *form) submit() tea.Cmd {
	f.changed()
	for i, r := range f.rows.rows {
		for _, fe := range f.draft.Check() {
			if string(fe.Field) == r.id && fe.Blocking() {
				f.err = r.label + ": " + fe.Err
				return f.rows.setFocus(i)
			}
		}
	}
	f.err = ""
	st, _ := f.draft.Restart(f.prev)
	return emit(submitMsg{draft: f.draft, state: st})
}

func (f *form) View() string {
	s := f.k.styles
	w := f.width
	var b strings.Builder
	spec := flows.SpecOf(f.draft.Method)
	b.WriteString(stepper(s, spec.Stages, 0, false) + "\n\n")
	info := spec.Info
	b.WriteString(wrapIndent(info.Summary, w-4, 2, s.Text) + "\n")
	if info.Warning != "" {
		b.WriteString(wrapIndent("⚠ "+info.Warning, w-4, 2, s.Warn) + "\n")
	}
	b.WriteString("\n")
	for i := range f.rows.rows {
		b.WriteString(f.rows.view(s, i, w) + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + wrapIndent(s.Err.Render(f.err), w-4, 2, s.Err) + "\n")
	} else if hint := f.rows.hintView(s, w); hint != "" {
		b.WriteString(hint + "\n")
	}
	if prev := f.preview(); prev != "" {
		// The box takes the room left; a request longer than that is cut
		// at a line, saying how much more there is.
		room := f.height - lipgloss.Height(b.String()) - 3
		lines := strings.Split(prev, "\n")
		if room >= 1 && len(lines) > room {
			more := len(lines) - room + 1
			lines = append(lines[:room-1], s.Subtle.Render(fmt.Sprintf("… %d more line(s): the Steps panel shows the whole request", more)))
		}
		switch {
		case room >= 1:
			b.WriteString("\n" + indent(s.Box.Width(w-2).Render(s.Subtle.Render("will send")+"\n"+strings.Join(lines, "\n")), 1))
		case room == 0:
			// A form with many fields leaves one line: the box says what
			// is coming, and where to read it.
			b.WriteString("\n" + indent(s.Box.Width(w-2).Render(s.Subtle.Render(fmt.Sprintf("will send a request of %d line(s): the Steps panel shows it whole", len(lines)))), 1))
		}
	}
	return b.String()
}

// preview is the request the first step will send, as the method builds
// it, secrets masked: what the run sends, but for a redirect URI's port 0,
// which the listener picks when the flow starts.
func (f *form) preview() string {
	st, creds := f.draft.Restart(f.prev)
	m, err := flows.New(st, creds)
	if err != nil {
		return ""
	}
	req, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok {
		return ""
	}
	return requestLines(req.Shown(), f.width-6)
}

// requestLines writes a request as a person reads it: the request line,
// the headers, the body.
func requestLines(m wire.Message, width int) string {
	var b strings.Builder
	b.WriteString(hardWrap(m.Method+" "+m.URL, width))
	for _, k := range sortedKeys(m.Header) {
		if k == "User-Agent" || k == "Accept" || k == "Content-Type" {
			continue // the same for every request; the Steps panel shows them
		}
		if k == "Dpop" {
			// Signed afresh at every send (a new jti and time): the value
			// would change with every frame, so it is said, not shown.
			b.WriteString("\n" + hardWrap("DPoP: a fresh proof, signed with this session's key when sent", width))
			continue
		}
		for _, v := range m.Header[k] {
			b.WriteString("\n" + hardWrap(k+": "+v, width))
		}
	}
	if m.Body != "" {
		b.WriteString("\n" + hardWrap(m.Body, width))
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
