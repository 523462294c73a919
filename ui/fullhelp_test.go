package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/authplay/authplay/flows"
)

// ? shows every key of every screen state at 80×24, whole: no key is cut
// and none is missing while there are rows to spare.
func TestFullHelpShowsEveryKeyAt80x24(t *testing.T) {
	for name, build := range goldenScreens(t) {
		t.Run(name, func(t *testing.T) {
			a := goldenApp(t, goldenDeps())
			s := build(a)
			show(a, s)
			a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
			if !a.showHelp {
				t.Skip("? is typed into a field here")
			}
			v := view(a)
			body := v[:strings.LastIndex(v, "\n")] // the help line below says … by design
			flat := strings.Join(strings.Fields(body), " ")
			for _, l := range strings.Split(body, "\n") {
				if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
					t.Errorf("the help is cut:\n%s", v)
				}
			}
			groups := append(s.FullHelp(), []key.Binding{a.keys.StepMode, a.keys.Theme, a.keys.Help, a.keys.Quit, a.keys.ForceQuit})
			for _, g := range groups {
				for _, b := range g {
					if b.Enabled() && !strings.Contains(flat, b.Help().Key+" "+b.Help().Desc) {
						t.Errorf("%q %q is not in the help:\n%s", b.Help().Key, b.Help().Desc, v)
					}
				}
			}
		})
	}
}

// The keys people could not find: b copies an API call's response body,
// ctrl+o opens the offers of a list field (the scope).
func TestFullHelpNamesCopyBodyAndOffers(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	show(a, goldenScreens(t)["inspector/calls"](a))
	a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	if v := view(a); !strings.Contains(strings.Join(strings.Fields(v), " "), "b copy the response body") {
		t.Errorf("the inspector's help does not name b:\n%s", v)
	}
	deps := goldenDeps()
	deps.Flow = flows.AuthorizationCode
	a = goldenApp(t, deps)
	focusRow(t, a, string(flows.FieldPKCE)) // a choice: ? in a text field is typed
	a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	if v := view(a); !strings.Contains(v, "ctrl+o") {
		t.Errorf("the form's help does not name ctrl+o:\n%s", v)
	}
}

// The inspector's ? at 80×24, the busiest help there is.
func TestGoldenInspectorHelp(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	show(a, goldenScreens(t)["inspector/calls"](a))
	a.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	golden.RequireEqual(t, view(a))
}
