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
