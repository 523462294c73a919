package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// clientCredentialsToInspector runs the client credentials flow on the
// built-in server, as --demo --flow client_credentials does, to the token
// inspector, at 80×24.
func clientCredentialsToInspector(t *testing.T) (*harness, *store.Store) {
	t.Helper()
	srv := spacetest.Start(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := flows.Space(srv.URL)
	prov.Builtin = true
	deps := Deps{Theme: "mono", Sessions: st, Flow: flows.ClientCredentials,
		Profile: Profile{Name: "demo", Params: flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, Scope: "**"}, Creds: flows.Credentials{ClientSecret: spacetest.DemoClientSecret}},
		Env:     flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}}
	h := newHarness(t, deps, 80, 24, make(chan struct{}))
	h.keep = true
	t.Cleanup(h.close)
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	return h, st
}

// esc in the token inspector goes back to the flow list, as on the form;
// the session stays in the store, to open again.
func TestInspectorEscGoesBackKeepingTheSession(t *testing.T) {
	h, st := clientCredentialsToInspector(t)
	id := h.app.screen.(*inspect).sess.ID
	h.key(tea.KeyPressMsg{Code: '?', Text: "?"})
	if v := view(h.app); !strings.Contains(v, "esc") {
		t.Errorf("the inspector's full help lists no esc:\n%s", v)
	}
	h.key(tea.KeyPressMsg{Code: tea.KeyEscape}) // closes the help
	h.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	h.until("back at the flow list", 5*time.Second, func() bool { _, ok := h.app.screen.(*picker); return ok })
	sess, err := st.Get(id)
	if err != nil || sess.State.Token == nil {
		t.Fatalf("the session is gone after esc: %v", err)
	}
}

// The copy-as menu at 80×24: each choice whole on one line; a key that is
// not a choice keeps it open and says what to press; esc closes it.
func TestCopyAsMenuKeepsItsChoicesWholeAndOpen(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	in := goldenScreens(t)["inspector"](a).(*inspect)
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	v := view(a)
	for i, f := range TokenForms {
		item := strings.Join(strings.Fields(fmt.Sprintf("%d %s", i+1, f.Label)), " ")
		found := false
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(strings.Join(strings.Fields(l), " "), item) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q is not whole on one line:\n%s", item, v)
		}
	}
	a.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if !in.copyAs {
		t.Fatal("j closed the copy-as menu")
	}
	if v := view(a); !strings.Contains(v, "esc to close") {
		t.Errorf("j in the menu says nothing:\n%s", v)
	}
	a.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if in.copyAs {
		t.Fatal("esc did not close the copy-as menu")
	}
}
