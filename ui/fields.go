package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/themes"
)

// fieldList is what both forms share: the fields, which one has focus,
// moving between them, and one rendered row a field.
type fieldList struct {
	fields []*field
	focus  int
}

func (l *fieldList) setFocus(i int) tea.Cmd {
	for _, fd := range l.fields {
		if fd.kind != choiceField { // a choice has no text input to blur
			fd.input.Blur()
		}
	}
	l.focus = (i + len(l.fields)) % len(l.fields)
	if l.fields[l.focus].kind == choiceField {
		return nil
	}
	return l.fields[l.focus].input.Focus()
}

func (l *fieldList) focused() *field { return l.fields[l.focus] }

// Typing is true unless the focus is on a choice, which takes no text.
func (l *fieldList) Typing() bool { return l.focused().kind != choiceField }

func (l *fieldList) field(id string) *field {
	for _, fd := range l.fields {
		if fd.id == id {
			return fd
		}
	}
	return nil
}

func (l *fieldList) get(id string) string {
	if fd := l.field(id); fd != nil {
		return fd.value()
	}
	return ""
}

// navigate handles the keys that move between fields and change a choice;
// it reports whether it used the key.
func (l *fieldList) navigate(k tea.KeyPressMsg, keys formKeys) (tea.Cmd, bool) {
	cur := l.focused()
	switch {
	case key.Matches(k, keys.Next):
		return l.setFocus(l.focus + 1), true
	case key.Matches(k, keys.Prev):
		return l.setFocus(l.focus - 1), true
	case cur.kind == choiceField && key.Matches(k, keys.Cycle):
		step := 1
		if k.String() == "left" {
			step = len(cur.choices) - 1
		}
		cur.choice = (cur.choice + step) % len(cur.choices)
		return nil, true
	}
	return nil, false
}

// typeInto passes a message to the focused text field.
func (l *fieldList) typeInto(msg tea.Msg) tea.Cmd {
	cur := l.focused()
	if cur.kind == choiceField {
		return nil
	}
	var cmd tea.Cmd
	cur.input, cmd = cur.input.Update(msg)
	return cmd
}

// row renders field i: its label, its value, and a note after it.
func (l *fieldList) row(s *themes.Styles, i int, note string, width int) string {
	fd := l.fields[i]
	label := s.Label.Render(fmt.Sprintf("  %-18s", fd.label))
	if i == l.focus {
		label = s.FieldFocused.Render(fmt.Sprintf("› %-18s", fd.label))
	}
	val := fd.input.View()
	if fd.kind == choiceField {
		val = s.Accent.Render("‹ " + or(fd.value(), "(not sent)") + " ›")
	}
	return truncate(label+val+note, width)
}
