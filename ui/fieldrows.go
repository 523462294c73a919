package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/themes"
	"github.com/charmbracelet/x/ansi"
)

// fieldRows is what both forms are made of: one row a field, a text input
// or a choice, focus moving between them.
//
// Written here rather than with huh (charm.land/huh/v2), which was tried:
// its Select draws its title on a line of its own, so a form with three
// choices needs three more rows than 80×24 has for the authorization code
// form with its preview; an inline field's description is glued to its
// title; and validation shows only once a field is left, while authplay
// checks as the person types and notes the problem beside the field. The
// rows below are bubbles' textinput with a label, a note and a choice.
type fieldRows struct {
	rows  []*fieldRow
	focus int
}

type fieldRow struct {
	id      string
	label   string
	hint    string
	kind    flows.FieldKind
	input   textinput.Model // text and secret rows
	choices []flows.Choice  // choice rows
	choice  int
	note    string // a problem with the value, shown beside it
}

type rowKeys struct{ Next, Prev, Cycle key.Binding }

func newRowKeys() rowKeys {
	return rowKeys{
		Next: bind("tab,down", "tab", "next field"), Prev: bind("shift+tab,up", "shift+tab", "previous field"),
		Cycle: bind("left,right,space", "←/→", "change choice"),
	}
}

// newTextRow is a row with a text input holding v.
func newTextRow(id, label, hint string, kind flows.FieldKind, v string) *fieldRow {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = 8192
	ti.SetValue(v)
	ti.SetWidth(50)
	if kind == flows.KindSecret {
		ti.EchoMode = textinput.EchoPassword
		ti.EchoCharacter = '•'
	}
	return &fieldRow{id: id, label: label, hint: hint, kind: kind, input: ti}
}

// newChoiceRow is a row choosing among choices, at v.
func newChoiceRow(id, label, hint string, choices []flows.Choice, v string) *fieldRow {
	r := &fieldRow{id: id, label: label, hint: hint, kind: flows.KindChoice, choices: choices}
	for i, c := range choices {
		if c.Value == v {
			r.choice = i
		}
	}
	return r
}

func (r *fieldRow) value() string {
	if r.kind == flows.KindChoice {
		return r.choices[r.choice].Value
	}
	return r.input.Value()
}

func (l *fieldRows) focused() *fieldRow { return l.rows[l.focus] }

// setFocus moves the focus; only text rows have an input to focus.
func (l *fieldRows) setFocus(i int) tea.Cmd {
	for _, r := range l.rows {
		if r.kind != flows.KindChoice {
			r.input.Blur()
		}
	}
	l.focus = (i + len(l.rows)) % len(l.rows)
	if r := l.rows[l.focus]; r.kind != flows.KindChoice {
		return r.input.Focus()
	}
	return nil
}

// Typing is true unless the focus is on a choice, which takes no text.
func (l *fieldRows) Typing() bool { return len(l.rows) > 0 && l.focused().kind != flows.KindChoice }

func (l *fieldRows) row(id string) *fieldRow {
	for _, r := range l.rows {
		if r.id == id {
			return r
		}
	}
	return nil
}

// update handles moving, choosing and typing; changed says a value changed.
func (l *fieldRows) update(msg tea.Msg, keys rowKeys) (cmd tea.Cmd, changed bool) {
	if len(l.rows) == 0 {
		return nil, false
	}
	cur := l.focused()
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, keys.Next):
			return l.setFocus(l.focus + 1), false
		case key.Matches(k, keys.Prev):
			return l.setFocus(l.focus - 1), false
		case cur.kind == flows.KindChoice && key.Matches(k, keys.Cycle):
			step := 1
			if k.String() == "left" {
				step = len(cur.choices) - 1
			}
			cur.choice = (cur.choice + step) % len(cur.choices)
			return nil, true
		}
	}
	if cur.kind == flows.KindChoice {
		return nil, false
	}
	before := cur.input.Value()
	cur.input, cmd = updateInput(cur.input, msg)
	return cmd, cur.input.Value() != before
}

// reveal shows or masks every secret row.
func (l *fieldRows) reveal(on bool) {
	for _, r := range l.rows {
		if r.kind == flows.KindSecret {
			r.input.EchoMode = map[bool]textinput.EchoMode{true: textinput.EchoNormal, false: textinput.EchoPassword}[on]
		}
	}
}

// setWidth fits the inputs to the room beside their labels.
func (l *fieldRows) setWidth(w int) {
	for _, r := range l.rows {
		if r.kind != flows.KindChoice {
			r.input.SetWidth(max(10, w-24))
		}
	}
}

// view renders row i: its label, its value, and what is worth saying
// beside it (a problem, or the hint while it has focus).
func (l *fieldRows) view(s *themes.Styles, i, width int) string {
	r := l.rows[i]
	label := s.Label.Render(fmt.Sprintf("  %-19s", r.label))
	if i == l.focus {
		label = s.FieldFocused.Render(fmt.Sprintf("› %-19s", r.label))
	}
	val := r.input.View()
	if r.kind == flows.KindChoice {
		val = s.Accent.Render("‹ " + r.choices[r.choice].Label + " ›")
	}
	// A problem is said beside the row; the input's padding gives way to
	// it. The focused row's hint is the screen's to show in full below.
	note, problem := "", r.note
	if _, typing := paramsHint(r); i == l.focus && typing != "" && strings.Contains(problem, strconv.Quote(typing)) {
		problem = "" // the pair under the cursor has no = yet: still being typed, no mistake so far
	}
	switch {
	case problem != "" && (problem != "required" || i != l.focus):
		st := s.Err
		if problem == "required" {
			st = s.Warn
		}
		note = st.Render("  " + problem)
	case i == l.focus && r.kind == flows.KindSecret:
		note = s.Subtle.Render("  ctrl+r reveals")
	}
	if room := width - lipgloss.Width(label) - lipgloss.Width(note); note != "" && lipgloss.Width(val) > room {
		tail := ""
		if len(strings.TrimRight(ansi.Strip(val), " ")) > room {
			tail = "…" // what was typed goes on past the room
		}
		val = ansi.Truncate(val, max(0, room), tail)
	}
	return truncate(label+val+note, width)
}

// hintView is the focused row's hint in full, wrapped, for the screen to
// show under its rows; "" when it has none.
func (l *fieldRows) hintView(s *themes.Styles, width int) string {
	if len(l.rows) == 0 {
		return ""
	}
	hint, _ := paramsHint(l.rows[l.focus])
	if hint == "" {
		return ""
	}
	return wrapIndent(s.Subtle.Render(hint), width-4, 2, s.Subtle)
}

// paramsHint is what a row says while it has focus: for a list of
// key=value pairs, the meaning of the well-known parameter under the
// cursor (else the row's own hint), and typing, the pair under the cursor
// when it has no = yet. Any other row says its hint.
func paramsHint(r *fieldRow) (hint, typing string) {
	if r.kind != flows.KindParams {
		return r.hint, ""
	}
	word := wordAt([]rune(r.input.Value()), r.input.Position())
	key, _, hasEq := strings.Cut(word, "=")
	if !hasEq {
		typing = word
	}
	if h, ok := flows.ParamHint(key); ok {
		return h, typing
	}
	return r.hint, typing
}

// wordAt is the pair (separated by spaces or &) the cursor is in or just after.
func wordAt(v []rune, pos int) string {
	pos = min(max(pos, 0), len(v))
	sep := func(c rune) bool { return c == ' ' || c == '&' || c == '\t' }
	start, end := pos, pos
	for start > 0 && !sep(v[start-1]) {
		start--
	}
	for end < len(v) && !sep(v[end]) {
		end++
	}
	return string(v[start:end])
}
