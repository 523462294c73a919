package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/themes"
	"github.com/charmbracelet/x/ansi"
)

// stepper draws "✓ Configure ── ● Run ── ○ Inspect".
func stepper(s *themes.Styles, names []string, current int, failed bool) string {
	var parts []string
	for i, n := range names {
		switch {
		case i < current:
			parts = append(parts, s.StepDone.Render("✓ "+n))
		case i == current && failed:
			parts = append(parts, s.StepFailed.Render("✗ "+n))
		case i == current:
			parts = append(parts, s.StepNow.Render("● "+n))
		default:
			parts = append(parts, s.StepTodo.Render("○ "+n))
		}
	}
	return " " + strings.Join(parts, s.Rule.Render(" ── "))
}

// wrapIndent wraps text to width and indents it.
func wrapIndent(text string, width, pad int, st lipgloss.Style) string {
	return indent(st.Width(width-pad).Render(text), pad)
}

// hardWrap breaks each line of s that is longer than width (a URL, a
// token) into pieces of width.
func hardWrap(s string, width int) string {
	if width < 10 {
		width = 10
	}
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		r := []rune(line)
		for len(r) > width {
			b.WriteString(string(r[:width]) + "\n")
			r = r[width:]
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// indent pads every line of s with n spaces.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// scrolled is the part of body that fits in room lines from line scroll
// on, with a last line saying how much more there is below; it returns
// the scroll clamped to the body, which the screen keeps.
func scrolled(s *themes.Styles, body string, scroll, room int) (string, int) {
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	room = max(1, room)
	scroll = max(0, min(scroll, len(lines)-room))
	end := min(len(lines), scroll+room)
	if end < len(lines) && room > 1 {
		end--
		lines = append(lines[scroll:end:end], s.Subtle.Render(fmt.Sprintf("  ↓ %d more line(s)", len(lines)-end)))
	} else {
		lines = lines[scroll:end]
	}
	return strings.Join(lines, "\n"), scroll
}

// beside puts body to the right of head, wrapped to the room left of
// width, its later lines under its first: a label and a value that may be
// long, with nothing cut.
func beside(head, body string, width int) string {
	hw := lipgloss.Width(head)
	room := max(8, width-hw)
	if strings.Contains(head, "\n") {
		return lipgloss.JoinHorizontal(lipgloss.Top, head, lipgloss.NewStyle().Width(room).Render(body))
	}
	// What JoinHorizontal of head and a Width(room) block gives, built
	// line by line: the inspector draws one of these per claim on every
	// render, and the general layout cost five times a bare viewport.
	var b strings.Builder
	pad := strings.Repeat(" ", hw)
	for i, line := range strings.Split(lipgloss.Wrap(body, room, ""), "\n") {
		if i == 0 {
			b.WriteString(head)
		} else {
			b.WriteString("\n" + pad)
		}
		b.WriteString(line)
		b.WriteString(strings.Repeat(" ", max(0, room-ansi.StringWidth(line))))
	}
	return b.String()
}

// fitCells is s in exactly w terminal cells: cut with an ellipsis when
// longer, padded with spaces when shorter. Cells, not bytes or runes, so a
// wide character counts two and columns after it still line up; s must
// be plain text (termsafe first for text from outside).
func fitCells(s string, w int) string {
	s = truncate(s, w)
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}
