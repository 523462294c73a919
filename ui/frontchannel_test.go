package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// A request_uri the built-in server will not take a second time: the run
// screen's demo approval meets the server's own refusal (the real one,
// from pushing and approving for real) and tells what it means and what
// to do, instead of the bare error; so does an error code pasted from the
// server's page, in a command.
func TestRefusedRequestURIIsExplained(t *testing.T) {
	srv := spacetest.Start(t)
	p := goldenDeps().Profile.Params
	p.Provider.AuthURL, p.Provider.TokenURL, p.Provider.PARURL = srv.URL+"/oauth/auth", srv.URL+"/oauth/token", srv.URL+"/oauth/par"
	p.PAR = true
	lb := loopback.New()
	defer lb.CloseAll()
	m, err := flows.New(flows.Start(flows.AuthorizationCode, p), flows.Credentials{ClientSecret: spacetest.DemoClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	env := flows.Env{HTTP: wire.NewClient(5 * time.Second), Loopback: lb}
	for range 2 { // the push, then the browser's URL
		if _, err := m.Next(context.Background(), env, flows.Input{}); err != nil {
			t.Fatal(err)
		}
	}
	st := m.State()
	if _, err := srv.ApproveAuthorization(st.AuthURL, spacetest.DemoUsername, true); err != nil {
		t.Fatal(err)
	}
	_, refusal := srv.ApproveAuthorization(st.AuthURL, spacetest.DemoUsername, true)
	if refusal == nil {
		t.Fatal("the server took the request_uri twice")
	}

	a := goldenApp(t, strictDeps(t))
	r := newRun(a.k, a.nextID(), a.draftFor(flows.AuthorizationCode), st)
	r.created, r.sess.State = true, st
	show(a, r)
	a.Update(approvedMsg{owner: r.id, err: refusal})
	v := strings.Join(strings.Fields(view(a)), " ")
	for _, want := range []string{"The server refused on its own page (invalid_request_uri", "Run the flow again"} {
		if !strings.Contains(v, want) {
			t.Errorf("the run screen does not say %q:\n%s", want, view(a))
		}
	}

	// The code copied from the page and pasted: the paste's command names
	// the refusal, and the screen explains it.
	press(t, a, tea.KeyPressMsg{Code: 'v', Text: "v"})
	for _, c := range "invalid_request_uri" {
		a.Update(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter pasted nothing")
	}
	a.Update(cmd())
	v = strings.Join(strings.Fields(view(a)), " ")
	if !strings.Contains(v, "The server refused on its own page (invalid_request_uri)") || !strings.Contains(v, "Run the flow again") {
		t.Errorf("a pasted error code is not explained:\n%s", view(a))
	}
}
