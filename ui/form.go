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
	// setErrs are the values a row holds that the draft refused (a
	// malformed key=value pair), by field: shown beside the row, and they
	// stop a run, while the draft keeps its last good value.
	setErrs map[string]string
}

func newForm(k *kit, id int, d flows.Draft) *form {
	f := &form{frame: frame{k: k, id: id}, draft: d, rk: newRowKeys(), keys: formKeys{
		Run: bind("enter", "enter", "run"), Back: bind("esc", "esc", "back"), Reveal: bind("ctrl+r", "ctrl+r", "reveal secrets"),
	}}
	f.prev, _ = d.Start()
	// Only the fields that apply to this method and this provider: Space's
	// access_type shows for Space and the built-in server alone.
	for _, fd := range flows.SpecOf(d.Method).FieldDefsFor(&f.draft) {
		v := f.draft.Get(fd.ID)
		if fd.Kind == flows.KindChoice {
			row := newChoiceRow(string(fd.ID), fd.Label, fd.Hint, fd.ChoicesFor(d.Method), v)
			if row.value() != v {
				// A value saved for another method (a response type):
				// the draft takes the choice the row shows.
				f.draft.Set(fd.ID, row.value()) //nolint:errcheck // one of the row's own choices
			}
			f.rows.rows = append(f.rows.rows, row)
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

// changed takes the rows' values into the draft and checks it again. A
// value the draft refuses (only a list row's malformed pair can be) is
// kept in its row and said beside it.
func (f *form) changed() {
	f.setErrs = map[string]string{}
	for _, r := range f.rows.rows {
		if err := f.draft.Set(flows.FieldID(r.id), r.value()); err != nil {
			f.setErrs[r.id] = err.Error()
		}
	}
	f.check()
}

// problems are the draft's and the rows' own, by field.
func (f *form) problems() []flows.FieldError {
	out := f.draft.Check()
	for _, r := range f.rows.rows {
		if e, ok := f.setErrs[r.id]; ok {
			out = append(out, flows.FieldError{Field: flows.FieldID(r.id), Err: e})
		}
	}
	return out
}

// check notes each field's problem beside it.
func (f *form) check() {
	for _, r := range f.rows.rows {
		r.note = ""
	}
	for _, fe := range f.problems() {
		if r := f.rows.row(string(fe.Field)); r != nil {
			r.note = fe.Err
		}
	}
}

func (f *form) submit() tea.Cmd {
	f.changed()
	for i, r := range f.rows.rows {
		for _, fe := range f.problems() {
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
	spec := flows.SpecOf(f.draft.Method)
	info := spec.Info
	head := stepper(s, spec.Stages, 0, false) + "\n\n"
	summary := wrapIndent(info.Summary, w-4, 2, s.Text) + "\n"
	warning := ""
	if info.Warning != "" {
		// A risky method says so where it is chosen, whatever the room.
		warning = wrapIndent("⚠ "+info.Warning, w-4, 2, s.Warn) + "\n"
	}
	var rows strings.Builder
	for i := range f.rows.rows {
		rows.WriteString(f.rows.view(s, i, w) + "\n")
	}
	hint := ""
	if f.err != "" {
		rows.WriteString("\n" + wrapIndent(s.Err.Render(f.err), w-4, 2, s.Err) + "\n")
	} else if h := f.rows.hintView(s, w); h != "" {
		hint = h + "\n"
	}
	warnings, request := f.preview()
	if request == "" {
		return head + summary + warning + "\n" + rows.String() + hint
	}
	// Every row shows, always, and so does a warning about what will be
	// sent. The rest gives way, in this order, until three lines of the
	// request show: the method's summary (the picker said it already), the
	// blank lines; then until one does: the focused field's hint. A form
	// with many rows still fits 80×24.
	three := min(3, strings.Count(request, "\n")+1)
	var body, gap string
	for _, v := range []struct {
		body, gap string
		need      int
	}{
		{head + summary + warning + "\n" + rows.String() + hint, "\n", three},
		{head + warning + "\n" + rows.String() + hint, "\n", three},
		{head + warning + rows.String() + hint, "", three},
		{head + warning + rows.String() + hint, "", 1},
		{head + warning + rows.String(), "", 1},
	} {
		body, gap = v.body, v.gap
		if f.height-lipgloss.Height(body)-2-len(gap)-len(warnings) >= v.need {
			break
		}
	}
	// The box takes the room left; a request longer than that is cut at a
	// line, saying how much more there is. What overrides authplay's own
	// parameters is said first and never cut.
	// Lines for the request: the height left below the body (whose last
	// line is empty), less the gap, the box's frame and its title, and the
	// warnings.
	room := f.height - lipgloss.Height(body) - 2 - len(gap) - len(warnings)
	if room < 1 {
		return body
	}
	lines := strings.Split(request, "\n")
	if len(lines) > room {
		keep := room - 1
		more := len(lines) - keep
		lines = append(lines[:keep], s.Subtle.Render(fmt.Sprintf("… %d more line(s): the Steps panel shows the whole request", more)))
	}
	for i, warn := range warnings {
		warnings[i] = s.Warn.Render(warn)
	}
	box := s.Box.Width(w - 2).Render(s.Subtle.Render("will send") + "\n" + strings.Join(append(warnings, lines...), "\n"))
	return body + gap + indent(box, 1)
}

// preview is the request the first step will send, as the method builds
// it, secrets masked: what the run sends, but for a redirect URI's port 0,
// which the listener picks when the flow starts. warnings name each
// parameter of authplay's own that a custom one replaces.
func (f *form) preview() (warnings []string, request string) {
	st, creds := f.draft.Restart(f.prev)
	m, err := flows.New(st, creds)
	if err != nil {
		return nil, ""
	}
	req, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok {
		return nil, ""
	}
	for _, k := range req.Overrides {
		warnings = append(warnings, truncate("⚠ "+k+": your custom value overrides authplay's own", f.width-6))
	}
	return warnings, requestLines(req.Shown(), f.width-6)
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
