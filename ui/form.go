package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
)

type formKeys struct{ Run, Back, Reveal, Pick key.Binding }

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
	// pick is open over the form while a list field's offers are picked.
	pick    *offerPicker
	pickRow string
}

func newForm(k *kit, id int, d flows.Draft) *form {
	f := &form{frame: frame{k: k, id: id}, draft: d, rk: newRowKeys(), keys: formKeys{
		Run: bind("enter", "enter", "run"), Back: bind("esc", "esc", "back"), Reveal: bind("ctrl+r", "ctrl+r", "reveal secrets"),
		Pick: bind("ctrl+o", "ctrl+o", "pick from the offers"),
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
		hint := fd.Hint
		if fd.Offers(&f.draft) != nil {
			if hint != "" {
				hint += "; "
			}
			hint += "ctrl+o picks from the offers, each explained"
		}
		f.rows.rows = append(f.rows.rows, newTextRow(string(fd.ID), fd.Label, hint, fd.Kind, v))
	}
	f.check()
	return f
}

func (f *form) Title() string      { return "parameters" }
func (f *form) Flow() flows.Method { return f.draft.Method }
func (f *form) Typing() bool       { return f.pick == nil && f.rows.Typing() }
func (f *form) SetSize(w, h int)   { f.frame.SetSize(w, h); f.rows.setWidth(w) }
func (f *form) ShortHelp() []key.Binding {
	if f.pick != nil {
		return f.pick.shortHelp()
	}
	f.rk.Cycle.SetEnabled(!f.rows.Typing())
	f.keys.Pick.SetEnabled(f.focusedOffers() != nil)
	return []key.Binding{f.keys.Run, f.rk.Next, f.rk.Prev, f.keys.Pick, f.rk.Cycle, f.keys.Reveal, f.keys.Back}
}

// focusedOffers are the values the focused field offers to pick from.
func (f *form) focusedOffers() []flows.Offer {
	if fd, ok := flows.Field(flows.FieldID(f.rows.focused().id)); ok {
		return fd.Offers(&f.draft)
	}
	return nil
}

// FullHelp names ctrl+o even away from a field with offers, with the
// fields where it works: it is found nowhere else.
func (f *form) FullHelp() [][]key.Binding {
	keys := f.ShortHelp()
	if f.pick != nil || f.keys.Pick.Enabled() {
		return [][]key.Binding{keys}
	}
	var where []string
	for _, r := range f.rows.rows {
		if fd, ok := flows.Field(flows.FieldID(r.id)); ok && fd.Offers(&f.draft) != nil {
			where = append(where, r.label)
		}
	}
	if len(where) > 0 {
		keys = append(keys, bind("ctrl+o", "ctrl+o", "pick from the offers (on "+strings.Join(where, ", ")+")"))
	}
	return [][]key.Binding{keys}
}

// Init focuses the first field and, for a refresh, looks for the refresh
// token of the profile's latest session.
func (f *form) Init() tea.Cmd {
	cmds := []tea.Cmd{f.rows.setFocus(0)}
	if slices.Contains(flows.SpecOf(f.draft.Method).Fields, flows.FieldRefreshToken) && f.draft.Seed == "" && f.k.deps.Sessions != nil {
		cmds = append(cmds, latestRefreshToken(f.k.deps.Sessions, f.k.state.profile.Name, f.id))
	}
	if prov := f.draft.Params.Provider; prov.MetadataIssuer() != "" && f.k.deps.Env.HTTP != nil {
		client, owner := f.k.deps.Env.HTTP, f.id
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			md, _ := prov.FetchMetadata(ctx, client) // without it the form only lints less
			return metadataMsg{owner: owner, md: md}
		})
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
	case metadataMsg:
		if msg.owner == f.id && msg.md != nil {
			f.draft.Params.Provider.Advertised = msg.md
		}
		return f, nil
	case refreshTokenFoundMsg:
		if r := f.rows.row(string(flows.FieldRefreshToken)); msg.owner == f.id && r != nil && r.input.Value() == "" && msg.token != "" {
			r.input.SetValue(msg.token.Reveal())
			r.hint = "from your latest session"
			f.changed()
		}
		return f, nil
	case tea.KeyPressMsg:
		if f.pick != nil {
			r := f.rows.row(f.pickRow)
			v, done, apply := f.pick.update(msg, r.input.Value())
			if done {
				f.pick = nil
				if apply {
					r.input.SetValue(v)
					r.input.CursorEnd()
					f.changed()
				}
			}
			return f, nil
		}
		switch {
		case key.Matches(msg, f.keys.Pick):
			if offers := f.focusedOffers(); len(offers) > 0 {
				r := f.rows.focused()
				f.pick, f.pickRow = newOfferPicker(r.label, offers, r.input.Value()), r.id
			}
			return f, nil
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
// kept in its row and said beside it. The run's first state follows (a
// DPoP key made once, when DPoP is turned on), so the preview and the run
// share its random values.
func (f *form) changed() {
	f.setErrs = map[string]string{}
	for _, r := range f.rows.rows {
		if err := f.draft.Set(flows.FieldID(r.id), r.value()); err != nil {
			f.setErrs[r.id] = err.Error()
		}
	}
	f.prev, _ = f.draft.Restart(f.prev)
	f.check()
	if f.err != "" {
		// The error enter said follows the values: gone once they are
		// right, the current problem while they are not.
		_, f.err = f.blocking()
	}
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

// blocking is the first row, in the form's order, with a problem that
// stops a run, and that problem said with the row's label; -1 and "" when
// nothing stops it.
func (f *form) blocking() (int, string) {
	problems := f.problems()
	for i, r := range f.rows.rows {
		for _, fe := range problems {
			if string(fe.Field) == r.id && fe.Blocking() {
				return i, r.label + ": " + fe.Err
			}
		}
	}
	return -1, ""
}

func (f *form) submit() tea.Cmd {
	f.changed()
	if i, msg := f.blocking(); i >= 0 {
		f.err = msg
		return f.rows.setFocus(i)
	}
	st, _ := f.draft.Restart(f.prev)
	return emit(submitMsg{draft: f.draft, state: st})
}

func (f *form) View() string {
	s := f.k.styles
	w := f.width
	spec := flows.SpecOf(f.draft.Method)
	info := spec.Info
	head := stepper(s, spec.Stages, 0, false) + "\n\n"
	if f.pick != nil {
		return head + f.pick.view(s, w, f.height-lipgloss.Height(head))
	}
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
	title := "will send"
	if f.draft.Params.Provider.Advertised != nil {
		title += " · checked against the server's discovery document"
	}
	box := s.Box.Width(w - 2).Render(s.Subtle.Render(title) + "\n" + strings.Join(append(warnings, lines...), "\n"))
	return body + gap + indent(box, 1)
}
