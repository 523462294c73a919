package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

type guideKeys struct{ CopyURI, SSHKey, CopyKey, Signatures, Back, Up, Down key.Binding }

// guide tells what must be set on the server for the chosen flow to work,
// in the words flows has for the provider.
type guide struct {
	frame
	method flows.Method
	keys   guideKeys
	scroll int
	pub    string // an ed25519 public key made (or found) on request
	fp     string
	saved  string
	kept   bool // the key was already there and is shown, not replaced
	err    string
}

func newGuide(k *kit, id int, m flows.Method) *guide {
	return &guide{frame: frame{k: k, id: id}, method: m, keys: guideKeys{
		CopyURI: bind("c", "c", "copy redirect URI"), SSHKey: bind("s", "s", "SSH key pair"),
		CopyKey: bind("K", "K", "copy public key"), Signatures: bind("v", "v", "endpoint verification"),
		Back: bind("esc", "esc", "back"), Up: bind("up,k", "↑/↓", "scroll"), Down: bind("down,j", "↓", "scroll"),
	}}
}

func (g *guide) Title() string      { return "registration guide" }
func (g *guide) Flow() flows.Method { return g.method }
func (g *guide) Init() tea.Cmd      { return nil }

func (g *guide) redirectURI() string {
	return flows.RedirectToRegister(g.method, g.k.state.profile.Params)
}

// offersKey tells whether the guide makes SSH keys: Git Keys are a Space
// idea, so only for a Space-like provider.
func (g *guide) offersKey() bool { return g.k.state.profile.Params.Provider.SpaceLike() }

func (g *guide) ShortHelp() []key.Binding {
	g.keys.SSHKey.SetEnabled(g.offersKey())
	g.keys.CopyKey.SetEnabled(g.pub != "")
	g.keys.CopyURI.SetEnabled(g.redirectURI() != "")
	return []key.Binding{g.keys.CopyURI, g.keys.SSHKey, g.keys.CopyKey, g.keys.Signatures, g.keys.Up, g.keys.Back}
}

func (g *guide) FullHelp() [][]key.Binding { return [][]key.Binding{g.ShortHelp()} }

func (g *guide) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case keyMadeMsg:
		if msg.owner == g.id {
			g.pub, g.fp, g.saved, g.kept = msg.pub, msg.fp, msg.saved, msg.existed
			g.err = ""
			if msg.err != nil {
				g.err = "The key pair could not be made: " + msg.err.Error()
			}
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, g.keys.Back):
			return g, emit(showPickerMsg{})
		case key.Matches(msg, g.keys.Up):
			g.scroll = max(0, g.scroll-1)
		case key.Matches(msg, g.keys.Down):
			g.scroll++
		case key.Matches(msg, g.keys.CopyURI) && g.redirectURI() != "":
			return g, copyCmd(g.k.deps, g.redirectURI(), "the redirect URI")
		case key.Matches(msg, g.keys.SSHKey) && g.offersKey():
			return g, g.makeKey()
		case key.Matches(msg, g.keys.CopyKey) && g.pub != "":
			return g, copyCmd(g.k.deps, g.pub, "the SSH public key")
		case key.Matches(msg, g.keys.Signatures):
			return g, emit(signaturesChosenMsg{})
		}
	}
	return g, nil
}

// makeKey makes an ed25519 key pair for the application's Git access, in a
// command, or shows the one made before for this client ID. The private
// key goes to a 0600 file in the state dir; only the public half is shown.
func (g *guide) makeKey() tea.Cmd {
	d, owner := g.k.deps, g.id
	clientID := g.k.state.profile.Params.ClientID
	path := ""
	if d.StateDir != "" && d.CreateFile != nil {
		path = keyPath(d.StateDir, clientID)
	}
	files := keyFiles{generate: d.generateKey, read: d.readFile, create: d.CreateFile}
	return func() tea.Msg { return makeOrShowKey(path, keyName(clientID), files, owner) }
}

func (g *guide) View() string {
	s := g.k.styles
	w := g.width - 4
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("Registration guide: "+g.method.Info().Title) + s.Subtle.Render("  for "+g.k.state.profile.Name) + "\n\n")
	var lines []string
	if g.pub != "" { // shown first: it is what the person just asked for
		lines = append(lines, "  "+s.Title.Render("SSH public key")+s.Subtle.Render("  (K copies it; paste it under the app's Git Keys)"))
		lines = append(lines, strings.Split(indent(s.Value.Render(hardWrap(g.pub, w-2)), 2), "\n")...)
		lines = append(lines, "  "+s.Subtle.Render("fingerprint ")+s.Value.Render(g.fp))
		saved := "private key saved to " + g.saved + " (0600)"
		if g.kept {
			saved = "private key at " + g.saved + ", made before for this client ID and kept: it may be registered already, so it is never replaced (move it away for a new pair)"
		}
		if g.saved != "" {
			lines = append(lines, strings.Split(wrapIndent(s.Subtle.Render(saved), w, 2, s.Subtle), "\n")...)
		}
		lines = append(lines, "")
	}
	for i, st := range flows.Registration(g.method, g.k.state.profile.Params) {
		lines = append(lines, strings.Split(wrapIndent(fmt.Sprintf("%d. %s", i+1, st), w, 2, s.Text), "\n")...)
		lines = append(lines, "")
	}
	if g.err != "" {
		lines = append(lines, strings.Split(wrapIndent(s.Err.Render(g.err), w, 2, s.Err), "\n")...)
	}
	g.scroll = min(g.scroll, max(0, len(lines)-1))
	b.WriteString(strings.Join(lines[g.scroll:], "\n"))
	return b.String()
}
