package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// On the smallest window, whichever entry is under the cursor, its whole
// description shows: its box closes, with the references on the last line
// inside, and the entry itself is in sight. The list gives way to the
// box, however many methods there are.
func TestPickerShowsEveryDescriptionWhole(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	p := a.screen.(*picker)
	for i, m := range p.methods {
		v := view(a)
		lines := strings.Split(v, "\n")
		if len(lines) != 24 {
			t.Fatalf("%s: %d lines", m.Title, len(lines))
		}
		refs := strings.Index(v, m.Refs+" │")
		bottom := strings.LastIndex(v, "╰")
		if refs < 0 || bottom < refs {
			t.Errorf("entry %d, %s: its description is cut:\n%s", i, m.Title, v)
		}
		if !strings.Contains(v, "› "+m.Title) {
			t.Errorf("entry %d, %s: the entry under the cursor is out of sight:\n%s", i, m.Title, v)
		}
		a.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
}
