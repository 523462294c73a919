package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// Step mode's gate before a DPoP-bound API call shows what will be sent:
// a proof is signed at the send (a new jti and time), so the gate says so
// as the form's preview does, instead of a proof that never leaves.
func TestGateSaysAFreshDPoPProofIsSignedWhenSent(t *testing.T) {
	key, err := flows.NewDPoPKey()
	if err != nil {
		t.Fatal(err)
	}
	sess := dpopSession()
	sess.State.DPoP.Key, sess.State.DPoP.JKT = key, key.Thumbprint()
	a := goldenApp(t, goldenDeps())
	a.k.state.stepMode = true
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	show(a, in)
	a.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	if !in.gate.paused() {
		t.Fatal("a did not pause before the API call")
	}
	v := view(a)
	flat := strings.Join(strings.Fields(v), " ")
	if strings.Contains(flat, "DPoP: eyJ") || strings.Contains(flat, "Dpop: eyJ") {
		t.Errorf("the gate shows a proof that will not be sent:\n%s", v)
	}
	if !strings.Contains(flat, "DPoP: a fresh proof, signed with this session's key when sent") {
		t.Errorf("the gate does not say a proof goes with the call:\n%s", v)
	}
}
