package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// detailsView shows what a request carried that cannot be read in it (a
// client assertion, decoded), each line wrapped at words within width and
// kept at its own indent, so a claim's explanation never breaks mid-word.
func detailsView(details []string, width int, st lipgloss.Style) string {
	var lines []string
	for _, d := range details {
		text := strings.TrimLeft(d, " ")
		lines = append(lines, wrapIndent(text, width, len(d)-len(text), st))
	}
	return strings.Join(lines, "\n")
}
