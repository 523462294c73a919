package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/store/storetest"
)

// The start screen reads the newest page of sessions, then older ones as
// the cursor goes down past them, and shows the session under the cursor
// in an 80×24 window, down to the oldest of a real store of 30.
func TestStartPagesInOlderSessions(t *testing.T) {
	dir := t.TempDir()
	if err := storetest.Fill(dir, 30, "newest"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	deps := goldenDeps()
	deps.Sessions, deps.Profiles = st, []Profile{deps.Profile}
	deps.Env.Loopback = loopback.New()
	h := newHarness(t, deps, 80, 24, make(chan struct{}))
	h.keep = true
	defer h.close()
	s := h.app.screen.(*start)
	h.until("the newest page read", 5*time.Second, func() bool { return s.loaded })
	if len(s.sessions) != sessionsPage || s.sessions[0].Profile != "newest" {
		t.Fatalf("read %d sessions first, the first of %q", len(s.sessions), s.sessions[0].Profile)
	}
	for range 2 + 29 { // past the profile and "new profile", to the 30th session
		h.key(tea.KeyPressMsg{Code: tea.KeyDown})
		h.until("the page under the cursor read", 5*time.Second, func() bool { return !s.paging })
	}
	_, _, sess := s.at()
	if len(s.sessions) != 30 || !s.ended || sess == nil || sess.ID != s.sessions[29].ID {
		t.Fatalf("%d sessions read (ended %v); the cursor is on %+v", len(s.sessions), s.ended, sess)
	}
	if scr := ansi.Strip(h.app.View().Content); !strings.Contains(scr, " › "+sess.Updated.Local().Format("Jan 02 15:04")) {
		t.Fatalf("the session under the cursor is not on screen:\n%s", scr)
	}
}
