package ui_test

import (
	"strings"
	"testing"
	"time"
)

// scrollUntil presses j (scroll down), a bounded number of times, until
// every text has shown on some screen on the way, or fails with the last.
func (s *tmuxSession) scrollUntil(texts ...string) {
	s.t.Helper()
	var seen strings.Builder
	for range 500 {
		seen.WriteString(s.screen())
		all := true
		for _, want := range texts {
			all = all && strings.Contains(seen.String(), want)
		}
		if all {
			return
		}
		s.keys("j")
		time.Sleep(5 * time.Millisecond)
	}
	s.t.Fatalf("scrolled to the end and did not see all of %q; the screen shows:\n%s", texts, s.screen())
}

// DPoP in the real TUI at 80×24, against the built-in server: the code
// flow of demo-dpop-app with the DPoP field turned on in the form, to a
// DPoP-bound token; a calls the API with a proof (the API's nonce met on
// the way); the Steps panel shows that proof decoded, ath and nonce
// included, and the inspector's verdict says the token is bound.
func TestDPoPJourneyInTmux(t *testing.T) {
	s := startTmux(t, 80, 24, "--demo", "--flow", "authorization_code")
	s.waitFor(10*time.Second, "will send", "DPoP")
	s.keys("Tab", "Tab") // to the client ID
	s.keys("C-e", "C-u")
	s.tmux("send-keys", "-t", s.name, "-l", "demo-dpop-app")
	s.keys("Tab", "C-e", "C-u") // no secret: a public client
	for range 7 {               // redirect URI, scope, response type and mode, PKCE, access type, client auth
		s.keys("Tab")
	}
	s.keys("Left") // the demo profile's basic back to auto: none, with no secret
	s.waitFor(5*time.Second, "‹ auto ›")
	for range 3 { // both parameter rows, DPoP
		s.keys("Tab")
	}
	s.keys("Right")
	s.waitFor(5*time.Second, "‹ on ›", "demo-dpop-app")
	s.keys("Enter")
	s.waitFor(10*time.Second, "approve (demo)")
	s.keys("a")
	s.waitFor(20*time.Second, "Access token · token_type DPoP", "acts for user demo")
	s.waitFor(10*time.Second, "✓ cnf.jkt", "bound to this session's DPoP key") // once the checks are made
	s.keys("a")
	s.waitFor(10*time.Second, "The API call to make", "Authorization: DPoP", "DPoP: a fresh proof, signed with this session's key when sent")
	s.keys("Enter")
	s.waitFor(20*time.Second, "✓ Call the API with the access token", "Authorization: DPoP ", "DPoP proof, decoded")
	s.scrollUntil("HTTP 401", "use_dpop_nonce") // the API wanted its nonce first
	s.scrollUntil("HTTP 200")
	s.keys("BTab", "BTab") // the Calls panel back to the Steps panel
	s.waitFor(5*time.Second, "[ Steps ]")
	s.scrollUntil("Call the API with the access token")
	s.scrollUntil("DPoP proof, decoded")
	s.scrollUntil("  ath  ", "SHA-256")
	s.scrollUntil("  nonce  ")
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}
