package ui

import (
	tea "charm.land/bubbletea/v2"
)

// copyCmd copies through the system clipboard when there is one and OSC 52
// always (which reaches the local terminal over SSH), then says what was copied.
func copyCmd(c *common, text, what string) tea.Cmd {
	msg := "copied " + what
	if c.deps.Clipboard != nil {
		if err := c.deps.Clipboard(text); err != nil {
			msg += " (through the terminal: no system clipboard here)"
		}
	}
	return tea.Batch(tea.SetClipboard(text), emit(statusMsg(msg)))
}
