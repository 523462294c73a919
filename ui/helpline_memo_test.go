package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestHelpLineFollowsWidthThemeAndScreen: the memoized help line is drawn
// again when the window narrows, the theme changes or another screen
// (with other keys) shows, and each time it is the line drawn afresh.
func TestHelpLineFollowsWidthThemeAndScreen(t *testing.T) {
	a := New(goldenDeps())
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	line := func() string {
		t.Helper()
		got := a.helpLine(a.width - 1)
		saved := a.helpMemo
		a.helpMemo = helpMemo{}
		if fresh := a.helpLine(a.width - 1); fresh != got {
			t.Fatalf("stale help line:\n shown %q\n fresh %q", ansi.Strip(got), ansi.Strip(fresh))
		}
		a.helpMemo = saved
		return got
	}
	wide := line()
	a.Update(tea.WindowSizeMsg{Width: 60, Height: 40})
	if narrow := line(); narrow == wide || !strings.Contains(ansi.Strip(narrow), "…") {
		t.Errorf("at 60 columns the help line is %q, at 120 %q: it was not cut again", ansi.Strip(narrow), ansi.Strip(wide))
	}
	before := line()
	a.restyle("light")
	if after := line(); after == before {
		t.Errorf("a new theme kept the old help line's styling: %q", after)
	}
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	start := ansi.Strip(line())
	if _, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		a.Update(cmd()) // the start screen moves on by a message
	}
	if picker := ansi.Strip(line()); picker == start {
		t.Errorf("the next screen kept the start screen's help line %q", start)
	}
}
