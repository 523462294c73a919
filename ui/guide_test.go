package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// guideWithKeys is the registration guide on a profile whose client ID is
// id, writing real files under stateDir.
func guideWithKeys(t *testing.T, stateDir, clientID string) (*App, *guide) {
	t.Helper()
	deps := goldenDeps()
	deps.StateDir, deps.CreateFile = stateDir, store.CreatePrivate
	deps.Profile.Params.ClientID = clientID
	a := goldenApp(t, deps)
	g := newGuide(a.k, a.nextID(), flows.ClientCredentials)
	show(a, g)
	return a, g
}

// makeKeyPress presses the guide's key-pair key and runs its command, as
// the program would.
func makeKeyPress(t *testing.T, g *guide) {
	t.Helper()
	_, cmd := g.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	if cmd == nil {
		t.Fatal("s made no key pair")
	}
	msg, ok := cmd().(keyMadeMsg)
	if !ok {
		t.Fatal("the key command answered something other than a key")
	}
	g.Update(msg)
	if g.err != "" {
		t.Fatalf("the key pair failed: %s", g.err)
	}
}

// filesUnder lists every regular file under root.
func filesUnder(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A client ID is whatever the profile says: one that climbs out of the
// directory must still have its key written inside keys/.
func TestGuideKeyFromTraversalIDStaysInKeys(t *testing.T) {
	root := t.TempDir()
	stateDir := filepath.Join(root, "one", "two", "state")
	for _, id := range []string{"x/../../../../escaped", "../../../escaped", "..", "a\x1b[31mred/..\\b", strings.Repeat("é", 200)} {
		_, g := guideWithKeys(t, stateDir, id)
		makeKeyPress(t, g)
		keys := filepath.Join(stateDir, "keys")
		if filepath.Dir(g.saved) != keys {
			t.Errorf("client ID %q: the key was saved to %s, not directly in %s", id, g.saved, keys)
		}
		if comment := g.pub[strings.LastIndex(g.pub, " ")+1:]; strings.ContainsAny(comment, "\x1b/\\") {
			t.Errorf("client ID %q: the key's comment carries the raw ID: %q", id, comment)
		}
	}
	for _, f := range filesUnder(t, root) {
		if filepath.Dir(f) != filepath.Join(stateDir, "keys") {
			t.Errorf("a key was written outside keys/: %s", f)
		}
	}
	if n := len(filesUnder(t, root)); n != 5 {
		t.Errorf("%d key files for 5 client IDs: two IDs share a file", n)
	}
}

// A key pair made before may be registered on the server already: making
// one again shows it and never changes its file.
func TestGuideSecondKeyKeepsTheFirst(t *testing.T) {
	stateDir := t.TempDir()
	a, g := guideWithKeys(t, stateDir, "demo-app")
	makeKeyPress(t, g)
	first, err := os.ReadFile(g.saved)
	if err != nil {
		t.Fatal(err)
	}
	pub := g.pub
	makeKeyPress(t, g)
	second, err := os.ReadFile(g.saved)
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Fatal("a second key pair replaced the first one's file")
	}
	if g.pub != pub {
		t.Errorf("the public key shown is not the saved one's:\n%s\n%s", pub, g.pub)
	}
	if v := view(a); !strings.Contains(v, "never replaced") {
		t.Errorf("the guide does not say the key was kept:\n%s", v)
	}
	if info, _ := os.Stat(g.saved); info.Mode().Perm() != 0o600 {
		t.Errorf("the private key is %v, want 0600", info.Mode().Perm())
	}
}

// k moves up, as everywhere else; it makes nothing.
func TestGuideKScrollsUp(t *testing.T) {
	a, g := guideWithKeys(t, t.TempDir(), "demo-app")
	for range 3 {
		g.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	_, cmd := g.Update(tea.KeyPressMsg{Code: 'k', Text: "k"})
	if cmd != nil || g.scroll != 2 {
		t.Fatalf("k after three downs: scroll %d (want 2), command %v", g.scroll, cmd != nil)
	}
	g.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if g.scroll != 3 {
		t.Fatalf("j: scroll %d, want 3", g.scroll)
	}
	_ = a
}

// Git Keys are a Space idea: a GitHub profile's guide makes no SSH key.
func TestGuideOffersKeysOnlyForSpace(t *testing.T) {
	deps := goldenDeps()
	deps.StateDir, deps.CreateFile = t.TempDir(), store.CreatePrivate
	p, ok := flows.PresetOf("github")
	if !ok {
		t.Fatal("no github preset")
	}
	deps.Profile.Params.Provider = flows.Provider{Name: p.Name, Kind: flows.KindEndpoints, Family: p.ID, TokenURL: "https://github.com/login/oauth/access_token"}
	a := goldenApp(t, deps)
	g := newGuide(a.k, a.nextID(), flows.AuthorizationCode)
	show(a, g)
	if _, cmd := g.Update(tea.KeyPressMsg{Code: 's', Text: "s"}); cmd != nil {
		t.Error("s makes an SSH key for a GitHub profile")
	}
	if v := view(a); strings.Contains(v, "SSH") {
		t.Errorf("the GitHub guide offers an SSH key:\n%s", v)
	}
}
