package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows"
)

// The key set the inspector's checks fetch is a request like the flow's
// own: it shows in the Steps panel, exchange whole.
func TestKeySetFetchShowsAsAStep(t *testing.T) {
	h := labHarness(t)
	h.app.k.deps.Flow = flows.ClientCredentials
	h.app.goTo(newForm(h.app.k, h.app.nextID(), h.app.draftFor(flows.ClientCredentials)))
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("the token", 20*time.Second, func() bool {
		in, ok := h.app.screen.(*inspect)
		return ok && in.checkInput != nil
	})
	h.key(tea.KeyPressMsg{Code: tea.KeyTab})
	panel := strings.Join(strings.Fields(ansi.Strip(h.app.screen.(*inspect).stepsPanel())), " ")
	if !strings.Contains(panel, "2. Fetch the server's public keys to check signatures") || !strings.Contains(panel, "/oauth/jwks.json User-Agent:") ||
		!strings.Contains(panel, "authplay fetched the key set at") {
		t.Fatalf("the Steps panel does not show the key-set fetch:\n%s", panel)
	}
}
