package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// formOn opens a method's form at 80×24 with the cursor on a field.
func formOn(t *testing.T, m flows.Method, field flows.FieldID) (*App, *form) {
	t.Helper()
	deps := goldenDeps()
	deps.Flow = m
	a := goldenApp(t, deps)
	f := a.screen.(*form)
	f.Init() // focuses the first field; its commands (a cursor blink, a lookup) are not run
	for range len(f.rows.rows) {
		if f.rows.focused().id == string(field) {
			return a, f
		}
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	t.Fatalf("no %s field on the %s form", field, m)
	return nil, nil
}

func clearField(a *App) {
	a.Update(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	a.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
}

// An error said when enter was pressed is checked again as the value
// changes: it goes once the field is right, and says the new problem while
// it is still wrong.
func TestFormErrorFollowsTheValue(t *testing.T) {
	cases := []struct {
		method        flows.Method
		field         flows.FieldID
		bad           string // typed after clearing; "" leaves it empty
		wantErr, good string
	}{
		{flows.ClientCredentials, flows.FieldTokenURL, "", "Token URL: required", "http://127.0.0.1:9/x"},
		{flows.ClientCredentials, flows.FieldTokenURL, "**", "must start with https://", "https://example.com/token"},
		{flows.JWTBearer, flows.FieldAssertion, "", "Assertion: required", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
	}
	for _, c := range cases {
		t.Run(string(c.method)+"/"+c.wantErr, func(t *testing.T) {
			a, _ := formOn(t, c.method, c.field)
			clearField(a)
			typeText(a, c.bad)
			a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			if v := view(a); !strings.Contains(strings.Join(strings.Fields(v), " "), c.wantErr) {
				t.Fatalf("enter on a bad value says no %q:\n%s", c.wantErr, v)
			}
			clearField(a)
			typeText(a, c.good)
			if v := view(a); strings.Contains(strings.Join(strings.Fields(v), " "), c.wantErr) {
				t.Fatalf("%q stays after the field was fixed:\n%s", c.wantErr, v)
			}
		})
	}
}

// A request that cannot be built yet says why where the preview would be.
func TestFormPreviewSaysWhyThereIsNone(t *testing.T) {
	a, _ := formOn(t, flows.JWTBearer, flows.FieldAssertion)
	clearField(a)
	typeText(a, "abc")
	if v := view(a); !strings.Contains(v, "no request yet") {
		t.Fatalf("the preview is gone with no reason:\n%s", v)
	}
}
