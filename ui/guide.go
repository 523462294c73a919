package ui

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"golang.org/x/crypto/ssh"

	"github.com/authplay/authplay/flows"
)

type guideKeys struct{ CopyURI, SSHKey, CopyKey, Endpoint, Back, Up, Down key.Binding }

// guide tells what must be set on the server for the chosen flow to work,
// following Space's registration steps when the provider is Space.
type guide struct {
	c      *common
	method flows.Method
	keys   guideKeys
	scroll int
	pub    string // an ed25519 public key made on request
	fp     string
	saved  string
	err    string
}

type guideChosenMsg struct{ method flows.Method }

func newGuide(c *common, m flows.Method) *guide {
	return &guide{c: c, method: m, keys: guideKeys{
		CopyURI: bind("c", "c", "copy redirect URI"), SSHKey: bind("k", "k", "make an SSH key pair"),
		CopyKey: bind("K", "K", "copy public key"), Endpoint: bind("v", "v", "endpoint verification"),
		Back: bind("esc", "esc", "back"), Up: bind("up", "↑/↓", "scroll"), Down: bind("down", "↓", "scroll"),
	}}
}

func (g *guide) Typing() bool { return false }

func (g *guide) Keys() []key.Binding {
	g.keys.CopyKey.SetEnabled(g.pub != "")
	g.keys.CopyURI.SetEnabled(g.redirectURI() != "")
	return []key.Binding{g.keys.CopyURI, g.keys.SSHKey, g.keys.CopyKey, g.keys.Endpoint, g.keys.Up, g.keys.Back}
}

func (g *guide) redirectURI() string {
	if !g.method.Info().Browser || g.method == flows.DeviceCode {
		return ""
	}
	ru := or(g.c.deps.Profile.Params.RedirectURI, "http://127.0.0.1:0/callback")
	return strings.Replace(ru, ":0/", "/", 1) // Space and RFC 8252 servers take any port on a loopback URI
}

func (g *guide) Update(msg tea.Msg) (Screen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return g, nil
	}
	switch {
	case key.Matches(k, g.keys.Back):
		return g, emit(backMsg{})
	case k.String() == "up":
		g.scroll = max(0, g.scroll-1)
	case k.String() == "down":
		g.scroll++
	case key.Matches(k, g.keys.CopyURI) && g.keys.CopyURI.Enabled():
		return g, copyCmd(g.c, g.redirectURI(), "the redirect URI")
	case key.Matches(k, g.keys.SSHKey):
		g.makeKey()
	case key.Matches(k, g.keys.CopyKey) && g.pub != "":
		return g, copyCmd(g.c, g.pub, "the SSH public key")
	case key.Matches(k, g.keys.Endpoint):
		return g, emit(endpointChosenMsg{})
	}
	return g, nil
}

// makeKey makes an ed25519 key pair for the application's Git access. The
// private key goes to a 0600 file in the state dir; only the public half is
// shown.
func (g *guide) makeKey() {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err == nil {
		var sp ssh.PublicKey
		if sp, err = ssh.NewPublicKey(pub); err == nil {
			comment := "authplay-" + or(g.c.deps.Profile.Params.ClientID, "app")
			g.pub = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " " + comment
			g.fp = ssh.FingerprintSHA256(sp)
			var blk *pem.Block
			if blk, err = ssh.MarshalPrivateKey(priv, comment); err == nil && g.c.deps.Store != nil {
				dir := filepath.Join(g.c.deps.Store.Dir(), "keys")
				g.saved = filepath.Join(dir, comment+"-ed25519")
				if err = os.MkdirAll(dir, 0o700); err == nil {
					err = os.WriteFile(g.saved, pem.EncodeToMemory(blk), 0o600)
				}
			}
		}
	}
	if err != nil {
		g.err = "The key pair could not be made: " + err.Error()
	}
}

func (g *guide) steps() []string {
	p := g.c.deps.Profile.Params
	space := p.Provider.Kind == flows.KindSpace || p.Provider.Builtin
	client := or(p.ClientID, "your application")
	if !space {
		return []string{
			"Register a client for this program in the server's admin console and note its client ID (" + client + ") and, for a confidential client, its secret.",
			"Allow the grant type " + string(g.method) + " for the client." + g.uriStep(false),
			"Allow the scopes you will ask for (" + or(p.Scope, "none yet") + "), and any consent the server needs.",
			"Keep the secret out of files: in a profile, write env:NAME or file:PATH instead of the value.",
		}
	}
	flowBox := map[flows.Method]string{
		flows.ClientCredentials: "tick Client Credentials Flow (it is on for new applications)",
		flows.AuthorizationCode: "tick Authorization Code Flow; leave Require PKCE on, and tick Allow public clients only for an app with no secret",
		flows.Implicit:          "the implicit flow cannot be turned on for new applications; only old ones keep it. Use Authorization Code",
		flows.Password:          "nothing to tick: Resource Owner Password Credentials is always on (which is a reason to avoid it)",
		flows.RefreshToken:      "nothing to tick: refresh tokens come with Authorization Code or Password, when access_type=offline is asked for",
		flows.DeviceCode:        "Space has no device flow; the built-in server offers it as a labelled extension so you can learn it",
		flows.PermanentToken:    "for an application token, open the Permanent Tokens tab and create one; for a personal token, use your avatar › Preferences › Personal Tokens",
	}[g.method]
	return []string{
		"Create the application: Extensions › Installed › New application (older Space: Administration › Applications), give it a unique name, Create.",
		"On the Authentication tab, " + flowBox + "." + g.uriStep(true),
		"Copy the Client ID (" + client + ") and Client secret from the Authentication tab. Keep the secret in an environment variable and write env:NAME in the profile.",
		"On the Authorization tab, request the rights your scope needs (" + or(p.Scope, "**") + " asks for every right the app holds), then have an administrator approve them: global rights need a System Admin.",
		"For project rights (project:key:KEY:…), add the project under Authorization and have a project administrator approve the app there.",
		"If Space will call your app (chat bot, menu actions, webhooks), set its Endpoint and verify requests with the signing key or public keys: press v to try that here.",
		"If the app needs Git access as itself, add an SSH key under Git Keys: press k to make an ed25519 pair and paste the public key.",
	}
}

func (g *guide) uriStep(space bool) string {
	uri := g.redirectURI()
	if uri == "" {
		return ""
	}
	where := "the client's redirect URIs"
	if space {
		where = "Redirect URIs"
	}
	return " Add exactly " + uri + " to " + where + " (any port works on a loopback address; press c to copy it)."
}

func (g *guide) View() string {
	s := g.c.styles
	w := g.c.width - 4
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("Registration guide: "+g.method.Info().Title) + s.Subtle.Render("  for "+g.c.deps.Profile.Name) + "\n\n")
	var lines []string
	if g.pub != "" { // shown first: it is what the person just asked for
		lines = append(lines, "  "+s.Title.Render("SSH public key")+s.Subtle.Render("  (K copies it; paste it under the app's Git Keys)"))
		lines = append(lines, strings.Split(indent(s.Value.Render(hardWrap(g.pub, w-2)), 2), "\n")...)
		lines = append(lines, "  "+s.Subtle.Render("fingerprint ")+s.Value.Render(g.fp))
		if g.saved != "" {
			lines = append(lines, "  "+s.Subtle.Render("private key saved to "+g.saved+" (0600)"))
		}
		lines = append(lines, "")
	}
	for i, st := range g.steps() {
		lines = append(lines, strings.Split(wrapIndent(fmt.Sprintf("%d. %s", i+1, st), w, 2, s.Text), "\n")...)
		lines = append(lines, "")
	}
	if g.err != "" {
		lines = append(lines, "  "+s.Err.Render(g.err))
	}
	g.scroll = min(g.scroll, max(0, len(lines)-1))
	b.WriteString(strings.Join(lines[g.scroll:], "\n"))
	return b.String()
}
