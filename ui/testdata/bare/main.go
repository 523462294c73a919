// bare is the smallest Bubble Tea v2 program: the baseline that authplay's
// start-to-first-frame is compared with (ui BenchmarkFirstFrame*).
package main

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
)

type model struct{}

func (model) Init() tea.Cmd { return nil }

func (model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return model{}, tea.Quit
	}
	return model{}, nil
}

func (model) View() tea.View {
	v := tea.NewView("bare program ready: pick a flow")
	v.AltScreen = true
	return v
}

func main() {
	if _, err := tea.NewProgram(model{}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
