package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/themes"
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

// hardWrap breaks a long unbroken string (a URL, a token) into lines.
func hardWrap(s string, width int) string {
	if width < 10 {
		width = 10
	}
	var b strings.Builder
	r := []rune(s)
	for len(r) > width {
		b.WriteString(string(r[:width]) + "\n")
		r = r[width:]
	}
	b.WriteString(string(r))
	return b.String()
}
