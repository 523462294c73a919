package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// Turning DPoP on in the form makes one key: the preview says a fresh
// proof goes, and the run starts with the very key the preview used.
func TestFormDPoPKeyIsTheRunsKey(t *testing.T) {
	a := goldenApp(t, strictDeps(t))
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 40}) // room for the whole request
	d := a.draftFor(flows.ClientCredentials)
	f := newForm(a.k, a.nextID(), d)
	show(a, f)
	r := f.rows.row(string(flows.FieldDPoP))
	if r == nil {
		t.Fatal("the form has no DPoP row")
	}
	for i, row := range f.rows.rows {
		if row == r {
			f.rows.setFocus(i)
		}
	}
	a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	if v := view(a); !strings.Contains(v, "‹ on ›") || !strings.Contains(v, "DPoP: a fresh proof, signed with this session's key when sent") {
		t.Fatalf("DPoP on, the preview does not say a proof goes:\n%s", v)
	}
	if f.prev.DPoP == nil || f.prev.DPoP.Key == nil {
		t.Fatal("no key was made when DPoP was turned on")
	}
	jkt := f.prev.DPoP.JKT
	view(a) // a frame more must not make another key
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	for _, m := range msgs(cmd) {
		if s, ok := m.(submitMsg); ok {
			if s.state.DPoP == nil || s.state.DPoP.JKT != jkt || !s.draft.Params.DPoP {
				t.Fatalf("the run's key %+v is not the preview's %s", s.state.DPoP, jkt)
			}
			return
		}
	}
	t.Fatal("enter did not submit")
}

// Copy as curl of a DPoP-bound token makes a fresh proof and says for how
// long it is good; without the key at hand it says why no line is made.
func TestCopyAsCurlOfADPoPToken(t *testing.T) {
	var copied string
	d := strictDeps(t)
	d.Clipboard = func(s string) error { copied = s; return nil }
	a := goldenApp(t, d)
	sess := dpopSession()
	key, _ := flows.NewDPoPKey()
	sess.State.DPoP.Key, sess.State.DPoP.JKT, sess.State.DPoP.Nonces = key, key.Thumbprint(), nil
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	_, cmd := a.Update(tea.KeyPressMsg{Code: '3', Text: "3"})
	var said string
	for _, m := range msgs(cmd) {
		if c, ok := m.(copiedMsg); ok {
			said = c.what
		}
	}
	if !strings.HasPrefix(copied, "curl -sS -H 'Authorization: DPoP ey") || !strings.Contains(copied, "-H 'DPoP: ey") ||
		!strings.Contains(said, "good for one request") || !strings.Contains(said, "60 s") {
		t.Fatalf("copied %q, said %q", copied, said)
	}

	copied = ""
	sess.State.DPoP.Key, sess.State.DPoP.KeyTrouble = nil, "its key file is gone"
	in = newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'C', Text: "C"})
	_, cmd = a.Update(tea.KeyPressMsg{Code: '3', Text: "3"})
	var status string
	for _, m := range msgs(cmd) {
		if s, ok := m.(statusMsg); ok {
			status = string(s)
		}
	}
	if copied != "" || !strings.Contains(status, "no curl line") || !strings.Contains(status, "its key file is gone") {
		t.Fatalf("without the key: copied %q, said %q", copied, status)
	}
}
