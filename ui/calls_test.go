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

// An API call is shown before it is sent: tab offers the provider's other
// calls, e edits one (here the path), and the call made is offered again
// to the profile's next token.
func TestAPICallsAreEditableAndRemembered(t *testing.T) {
	srv := spacetest.Start(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := flows.Space(srv.URL)
	prov.Builtin = true
	deps := Deps{Theme: "charm", Sessions: st, Flow: flows.ClientCredentials,
		Profile: Profile{Name: "demo", Params: flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, Scope: "**"}, Creds: flows.Credentials{ClientSecret: spacetest.DemoClientSecret}},
		Env:     flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}}
	h := newHarness(t, deps, 100, 40, make(chan struct{}))
	h.keep = true
	defer h.close()
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	in := h.app.screen.(*inspect)
	h.key(tea.KeyPressMsg{Code: 'a', Text: "a"})
	if !h.seen("GET " + srv.URL + "/api/http/applications/me") {
		t.Fatalf("the default call is not shown first:\n%s", h.frames[len(h.frames)-1])
	}
	h.key(tea.KeyPressMsg{Code: tea.KeyTab})
	if !h.seen("/team-directory/profiles/me") || !h.seen("Call 2 of") {
		t.Fatalf("tab offers no other call:\n%s", h.frames[len(h.frames)-1])
	}
	h.key(tea.KeyPressMsg{Code: 'e', Text: "e"})
	for range 80 { // to the end of the first line, then back over the path
		h.key(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	h.key(tea.KeyPressMsg{Code: tea.KeyHome})
	h.key(tea.KeyPressMsg{Code: 'k', Mod: tea.ModCtrl})
	for _, r := range "GET " + srv.URL + "/api/http/applications/me/absences" {
		h.key(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.key(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	h.until("called", 10*time.Second, func() bool { return in.busy == "" && in.lastCall != nil })
	if ex := in.lastCall.Exchanges[0]; !strings.HasSuffix(ex.Request.URL, "/applications/me/absences") || ex.Response == nil {
		t.Fatalf("the edited call was not the one sent: %+v", ex.Request)
	}
	h.until("remembered", 10*time.Second, func() bool {
		calls, _ := st.RecentCalls("demo")
		return len(calls) == 1
	})
	calls, _ := st.RecentCalls("demo")
	if !strings.HasSuffix(calls[0].Path, "/absences") || calls[0].Header.Get("Authorization") != "" {
		t.Fatalf("remembered %+v", calls)
	}
	next := newInspect(h.app.k, h.app.nextID(), in.sess, in.creds)
	next.Update(callsLoadedMsg{owner: next.id, calls: calls})
	if last := next.offers[len(next.offers)-1]; last.Path != calls[0].Path {
		t.Fatalf("the next token does not offer the call again: %+v", next.offers)
	}
}
