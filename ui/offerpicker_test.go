package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
)

func pressKey(a *App, code rune, mod ...tea.KeyMod) {
	k := tea.KeyPressMsg{Code: code}
	if len(mod) > 0 {
		k.Mod = mod[0]
	} else if code >= ' ' && code < 0x7f {
		k.Text = string(code)
	}
	a.Update(k)
}

// The scope row opens a picker of the scopes a server of this kind knows,
// each with its meaning: picking adds to what was typed, keeps what is not
// offered, and reaches the draft and the preview; esc leaves it as it was.
func TestScopePickerAddsExplainedScopes(t *testing.T) {
	deps := oidcDeps(flows.AuthorizationCode)
	deps.Profile.Params.Scope = "openid custom:read"
	a := goldenApp(t, deps)
	f := focusRow(t, a, string(flows.FieldScope))
	if !strings.Contains(view(a), "ctrl+o picks from the offers") {
		t.Errorf("the row does not say it has offers:\n%s", view(a))
	}
	pressKey(a, 'o', tea.ModCtrl)
	v := view(a)
	for _, want := range []string{"Pick scope", "[x] openid", "[ ] email", "the user's email address", "custom:read", "asked for now"} {
		if !strings.Contains(v, want) {
			t.Errorf("the picker lacks %q:\n%s", want, v)
		}
	}
	if f.Typing() {
		t.Error("the picker counts as typing: q would be taken as text")
	}
	// down to email (openid, profile, email) and pick it.
	pressKey(a, tea.KeyDown)
	pressKey(a, tea.KeyDown)
	pressKey(a, tea.KeySpace)
	pressKey(a, tea.KeyEnter)
	if got := f.draft.Params.Scope; got != "openid custom:read email" {
		t.Fatalf("scope %q", got)
	}
	if _, req := f.preview(); !strings.Contains(req, "scope=openid+custom%3Aread+email") {
		t.Errorf("preview %s", req)
	}
	// esc keeps the value as it was, whatever was toggled.
	pressKey(a, 'o', tea.ModCtrl)
	pressKey(a, tea.KeySpace) // openid off
	pressKey(a, tea.KeyEscape)
	if got := f.draft.Params.Scope; got != "openid custom:read email" {
		t.Fatalf("esc changed the scope to %q", got)
	}
	// The picker is a form state: esc closed it, the form is back.
	if !strings.Contains(view(a), "will send") {
		t.Errorf("the form did not come back:\n%s", view(a))
	}
}

// Space and the built-in server compose scopes from a context and a
// permission: their picker teaches that syntax, and picking "**" is not
// linted against a discovery list.
func TestScopePickerSpeaksSpace(t *testing.T) {
	deps := goldenDeps()
	deps.Flow = flows.ClientCredentials
	a := goldenApp(t, deps)
	focusRow(t, a, string(flows.FieldScope))
	pressKey(a, 'o', tea.ModCtrl)
	v := strings.Join(strings.Fields(view(a)), " ")
	for _, want := range []string{"**", "global:Profile.View", "project:key:DEMO", "a project context narrows a right to one project"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Space picker lacks %q:\n%s", want, view(a))
		}
	}
	for _, line := range strings.Split(view(a), "\n") {
		if w := lipgloss.Width(line); w > 80 {
			t.Errorf("a line %d wide: %q", w, line)
		}
	}
}
