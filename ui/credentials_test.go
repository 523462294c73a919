package ui

import (
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

// A secret typed in the form belongs to the session: with a profile that
// has none, the token's introspection and revocation use the typed one,
// and each is a recorded step the Steps panel shows.
func TestSecretTypedInTheFormIsTheSessions(t *testing.T) {
	srv := spacetest.Start(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := flows.Space(srv.URL)
	prov.Builtin, prov.IntrospectURL, prov.RevokeURL = true, srv.URL+"/oauth/introspect", srv.URL+"/oauth/revoke"
	deps := Deps{Theme: "charm", Sessions: st, Flow: flows.ClientCredentials,
		Profile: Profile{Name: "no secret saved", Params: flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic, Scope: "**"}},
		Env:     flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}}
	h := newHarness(t, deps, 100, 40, make(chan struct{}))
	h.keep = true
	defer h.close()
	f := h.app.screen.(*form)
	for f.rows.focused().id != string(flows.FieldClientSecret) {
		h.key(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	for _, r := range spacetest.DemoClientSecret {
		h.key(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	in := h.app.screen.(*inspect)
	h.key(tea.KeyPressMsg{Code: 'i', Text: "i"})
	h.until("introspected", 10*time.Second, func() bool { return in.busy == "" && in.lastCall != nil })
	if !h.seen(`"active": true`) {
		t.Fatalf("introspection did not say active:\n%s", h.frames[len(h.frames)-1])
	}
	h.key(tea.KeyPressMsg{Code: 'x', Text: "x"})
	h.until("revoked", 10*time.Second, func() bool { return in.busy == "" && in.sess.State.Revoked != "" })
	h.key(tea.KeyPressMsg{Code: 'i', Text: "i"})
	h.until("introspected again", 10*time.Second, func() bool { return in.busy == "" && strings.Contains(in.lastCall.WhatHappened, "not active") })
	h.key(tea.KeyPressMsg{Code: tea.KeyTab}) // Calls -> Token
	h.key(tea.KeyPressMsg{Code: tea.KeyTab}) // -> Steps
	h.frames = nil
	for range 120 { // read the whole panel, as a person scrolling down would
		h.key(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	for _, want := range []string{"Ask the server whether the access token is active (introspection)", "Revoke the access token", `"active": false`} {
		if !h.seen(want) {
			t.Errorf("the Steps panel does not show %q", want)
		}
	}
	saved, err := st.Get(in.sess.ID)
	if err != nil || len(saved.Steps) != 4 {
		t.Fatalf("the actions are not recorded steps: %v, %d steps", err, len(saved.Steps))
	}
	raw, _ := st.Get(in.sess.ID)
	if strings.Contains(strings.ToLower(raw.Report()), strings.ToLower(spacetest.DemoClientSecret)) {
		t.Error("the secret reached the session's record")
	}
}
