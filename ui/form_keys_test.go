package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// Every way of moving through the parameter form reaches every field,
// choice fields included, and a choice can be changed there: a public
// client must be able to pick client auth "none".
func TestFormMovesOntoChoiceFields(t *testing.T) {
	moves := map[string]tea.KeyPressMsg{
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"down":      {Code: tea.KeyDown},
		"up":        {Code: tea.KeyUp},
	}
	for _, mi := range flows.Methods() {
		for name, k := range moves {
			t.Run(string(mi.Method)+"/"+name, func(t *testing.T) {
				deps := goldenDeps()
				deps.Flow = mi.Method
				a := goldenApp(t, deps)
				f := a.screen.(*form)
				for range 2 * len(f.rows.rows) {
					a.Update(k)
				}
				if _, ok := a.screen.(*form); !ok {
					t.Fatalf("left the form: %s", a.screen.Title())
				}
			})
		}
	}
}

func TestPublicClientCanChooseNoClientAuth(t *testing.T) {
	deps := goldenDeps()
	deps.Flow = flows.DeviceCode
	a := goldenApp(t, deps)
	f := a.screen.(*form)
	for f.rows.focused().id != "auth_style" {
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	for f.draft.Params.AuthStyle != flows.AuthNone {
		a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	msg, ok := cmd().(submitMsg)
	if !ok || msg.draft.Params.AuthStyle != flows.AuthNone {
		t.Fatalf("submitted %#v", msg)
	}
}
