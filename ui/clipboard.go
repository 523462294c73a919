package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"
)

// copyCmd copies through OSC 52 always (which reaches the local terminal
// over SSH) and through the system clipboard when there is one, in a
// command: a clipboard tool can be slow to answer. The root then says what
// was copied.
func copyCmd(d *Deps, text, what string) tea.Cmd {
	write := d.Clipboard
	return tea.Batch(tea.SetClipboard(text), func() tea.Msg {
		if write == nil {
			return copiedMsg{what: what}
		}
		if err := write(text); err != nil {
			return copiedMsg{what: what, err: errors.New("no system clipboard here")}
		}
		return copiedMsg{what: what}
	})
}
