package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// A QR code is a way to open an address: one authplay would not open (not
// http or https) is not drawn either, and the screen says why.
func TestQRRefusesAnAddressAuthplayWouldNotOpen(t *testing.T) {
	for _, d := range []flows.DeviceState{
		{VerificationURI: "javascript:alert(1)"},
		{VerificationURI: "http://127.0.0.1:9090/device", VerificationURIComplete: "javascript:alert(1)//?user_code=WDJB-MJHT"},
	} {
		a := goldenApp(t, goldenDeps())
		r := newRun(a.k, a.nextID(), flows.Draft{Method: flows.DeviceCode}, flows.State{Method: flows.DeviceCode})
		r.created = true
		d.UserCode, d.Expires, d.Interval = "WDJB-MJHT", goldenNow.Add(9*time.Minute), wire.Duration(5*time.Second)
		r.sess.State = flows.State{Method: flows.DeviceCode, Phase: flows.PhaseAwaitingUser, Device: &d}
		show(a, r)
		a.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
		v := view(a)
		if strings.ContainsAny(v, "█▀▄") {
			t.Errorf("a QR code is drawn for %q:\n%s", d.VerificationURIComplete+d.VerificationURI, v)
		}
		if flat := strings.Join(strings.Fields(v), " "); !strings.Contains(flat, "not http or https") || !strings.Contains(flat, "No QR code") {
			t.Errorf("the screen does not say why there is no QR code:\n%s", v)
		}
	}
}
