package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

type globalKeys struct {
	Quit, ForceQuit, Help, Theme, StepMode key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:      bind("q", "q", "quit"),
		ForceQuit: bind("ctrl+c", "ctrl+c", "quit"),
		Help:      bind("?", "?", "help"),
		Theme:     bind("ctrl+t", "ctrl+t", "theme"),
		StepMode:  bind("ctrl+p", "ctrl+p", "step mode"),
	}
}

// bind makes a binding; keys is a comma-separated list.
func bind(keys, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(strings.Split(keys, ",")...), key.WithHelp(help, desc))
}
