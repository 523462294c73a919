package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// oddNames are profile names a person (or a pasted file) may give: wide
// characters, an escape sequence, and a plain one to line up with.
var oddNames = []string{"plain", "日本語のプロファイル", "a\x1b[31mred", strings.Repeat("界", 20)}

// The descriptions on the start screen line up, whatever the names hold;
// a name's escape sequence is shown, not obeyed.
func TestStartColumnsAlignWithOddNames(t *testing.T) {
	deps := goldenDeps()
	base := deps.Profile
	deps.Profiles = nil
	for _, n := range oddNames {
		p := base
		p.Name = n
		deps.Profiles = append(deps.Profiles, p)
	}
	a := goldenApp(t, deps)
	s := newStart(a.k, a.nextID())
	s.loaded = true
	show(a, s)
	raw := a.View().Content
	if strings.Contains(raw, "\x1b[31mred") {
		t.Error("a profile name's escape sequence reached the terminal")
	}
	desc := profileLine(base)
	col := -1
	for _, l := range strings.Split(ansi.Strip(raw), "\n") {
		i := strings.Index(l, desc)
		if i < 0 {
			continue
		}
		at := ansi.StringWidth(l[:i])
		if col >= 0 && at != col {
			t.Errorf("a description starts at cell %d, another at %d:\n%s", at, col, ansi.Strip(raw))
		}
		col = at
	}
	if col < 0 {
		t.Fatalf("no description shown:\n%s", ansi.Strip(raw))
	}
}

// A saved profile's flash is one line, even for a long name: the help
// line below stays.
func TestSavedProfileFlashIsOneLine(t *testing.T) {
	deps := goldenDeps()
	deps.ProfilesPath = "/home/me/.config/authplay/profiles.json"
	a := goldenApp(t, deps)
	p := deps.Profile
	p.Name = strings.Repeat("a very long profile name ", 8)
	_, cmd := a.Update(profileSavedMsg{profile: p})
	runCmds(a, cmd)
	lines := strings.Split(view(a), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "saved profile") || !strings.Contains(last, "profiles.json") {
		t.Fatalf("the flash takes more than the last line:\n%s", strings.Join(lines, "\n"))
	}
}

// runCmds runs a command and gives the app what it answers, batches
// included, but no timers (a flash's expiry).
func runCmds(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runCmds(a, c)
		}
	case statusMsg:
		a.Update(msg)
	}
}
