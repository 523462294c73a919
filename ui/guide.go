package ui

import (
	"crypto/ed25519"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"golang.org/x/crypto/ssh"

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
	pub    string // an ed25519 public key made on request
	fp     string
	saved  string
	err    string
}

func newGuide(k *kit, id int, m flows.Method) *guide {
	return &guide{frame: frame{k: k, id: id}, method: m, keys: guideKeys{
		CopyURI: bind("c", "c", "copy redirect URI"), SSHKey: bind("k", "k", "make an SSH key pair"),
		CopyKey: bind("K", "K", "copy public key"), Signatures: bind("v", "v", "endpoint verification"),
		Back: bind("esc", "esc", "back"), Up: bind("up", "↑/↓", "scroll"), Down: bind("down", "↓", "scroll"),
	}}
}

func (g *guide) Title() string      { return "registration guide" }
func (g *guide) Flow() flows.Method { return g.method }
func (g *guide) Init() tea.Cmd      { return nil }

func (g *guide) redirectURI() string {
	return flows.RedirectToRegister(g.method, g.k.state.profile.Params)
}

func (g *guide) ShortHelp() []key.Binding {
	g.keys.CopyKey.SetEnabled(g.pub != "")
	g.keys.CopyURI.SetEnabled(g.redirectURI() != "")
	return []key.Binding{g.keys.CopyURI, g.keys.SSHKey, g.keys.CopyKey, g.keys.Signatures, g.keys.Up, g.keys.Back}
}

func (g *guide) FullHelp() [][]key.Binding { return [][]key.Binding{g.ShortHelp()} }

func (g *guide) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case keyMadeMsg:
		if msg.owner == g.id {
			g.pub, g.fp, g.saved = msg.pub, msg.fp, msg.saved
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
		case key.Matches(msg, g.keys.SSHKey):
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
// command. The private key goes to a 0600 file in the state dir; only the
// public half is shown.
func (g *guide) makeKey() tea.Cmd {
	gen, write, owner := g.k.deps.generateKey, g.k.deps.WriteFile, g.id
	comment := "authplay-" + cmpOr(g.k.state.profile.Params.ClientID, "app")
	dir := g.k.deps.StateDir
	return func() tea.Msg {
		pub, priv, err := gen()
		if err != nil {
			return keyMadeMsg{owner: owner, err: err}
		}
		return sshKey(pub, priv, comment, dir, write, owner)
	}
}

func sshKey(pub ed25519.PublicKey, priv ed25519.PrivateKey, comment, dir string, write func(string, []byte) error, owner int) keyMadeMsg {
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return keyMadeMsg{owner: owner, err: err}
	}
	out := keyMadeMsg{owner: owner, pub: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " " + comment, fp: ssh.FingerprintSHA256(sp)}
	blk, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil || dir == "" || write == nil {
		out.err = err
		return out
	}
	out.saved = filepath.Join(dir, "keys", comment+"-ed25519")
	out.err = write(out.saved, pem.EncodeToMemory(blk))
	return out
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
		if g.saved != "" {
			lines = append(lines, strings.Split(wrapIndent(s.Subtle.Render("private key saved to "+g.saved+" (0600)"), w, 2, s.Subtle), "\n")...)
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
