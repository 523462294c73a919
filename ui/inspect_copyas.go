package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/themes"
)

// copyAsKey takes a key while the copy-as menu is open: a choice's digit
// copies, esc closes, and any other key leaves it open and says what to
// press (closing on it hid that nothing was copied).
func (in *inspect) copyAsKey(k tea.KeyPressMsg) tea.Cmd {
	if k.Code == tea.KeyEscape {
		in.copyAs = false
		return nil
	}
	i := int(k.Code - '1')
	if k.Text == "" || i < 0 || i >= len(TokenForms) {
		in.copyAsNudge = true
		return nil
	}
	in.copyAs = false
	f := TokenForms[i]
	text, err := FormatToken(in.sess.State, f.Name)
	if err != nil {
		return emit(statusMsg(err.Error()))
	}
	what := f.What
	if note := TokenFormNote(in.sess.State, f.Name); note != "" {
		what += ": " + note
	}
	return copyCmd(in.k.deps, text, what)
}

// copyAsView is the menu's choices, packed into lines of width with no
// choice split between two ("5" at one line's end, "export line" on the
// next).
func (in *inspect) copyAsView(s *themes.Styles, width int) string {
	const sep = " · "
	line := s.Title.Render("Copy as: ")
	var lines []string
	room := width - 2
	for i, f := range TokenForms {
		item := s.Text.Render(fmt.Sprintf("%d %s", i+1, f.Label))
		switch {
		case i == 0:
			line += item
		case lipgloss.Width(line+sep+item) <= room:
			line += s.Text.Render(sep) + item
		default:
			lines = append(lines, line)
			line = strings.Repeat(" ", lipgloss.Width("Copy as: ")) + item
		}
	}
	lines = append(lines, line)
	if in.copyAsNudge {
		lines = append(lines, s.Warn.Render(fmt.Sprintf("press 1-%d to copy one, or esc to close", len(TokenForms))))
	}
	return indent(strings.Join(lines, "\n"), 2)
}
