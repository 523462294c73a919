package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// profileForm adds a profile: a Space URL, explicit endpoints, or an
// issuer whose discovery document is read before saving.
type profileForm struct {
	frame
	rows fieldRows
	rk   rowKeys
	keys formKeys
	err  string
	busy bool
}

func newProfileForm(k *kit, id int) *profileForm {
	f := &profileForm{frame: frame{k: k, id: id}, rk: newRowKeys(), keys: formKeys{
		Run: bind("enter", "enter", "save"), Back: bind("esc", "esc", "back"),
	}}
	text := func(id, label, hint string) *fieldRow { return newTextRow(id, label, hint, flows.KindText, "") }
	kinds := []flows.Choice{{Value: "space", Label: "space"}, {Value: "discovery", Label: "discovery"}, {Value: "endpoints", Label: "endpoints"}}
	f.rows.rows = []*fieldRow{
		text("name", "Name", "how the profile is listed"),
		newChoiceRow("kind", "Provider", "space: from a service URL · discovery: from an issuer · endpoints: typed in", kinds, "space"),
		text("url", "URL", "Space service URL, or the issuer"),
		text("auth_url", "Authorization URL", "endpoints only"),
		text("token_url", "Token URL", "endpoints only"),
		text("client_id", "Client ID", ""),
		text("client_secret", "Client secret", "env:VARIABLE or file:/path (kept out of the file); a plain value is saved as is"),
		text("scope", "Scope", "space-separated; ** is everything in Space"),
	}
	return f
}

func (f *profileForm) Title() string    { return "new profile" }
func (f *profileForm) Typing() bool     { return f.rows.Typing() }
func (f *profileForm) Init() tea.Cmd    { return f.rows.setFocus(0) }
func (f *profileForm) SetSize(w, h int) { f.frame.SetSize(w, h); f.rows.setWidth(w) }

func (f *profileForm) ShortHelp() []key.Binding {
	f.rk.Cycle.SetEnabled(!f.rows.Typing())
	return []key.Binding{f.keys.Run, f.rk.Next, f.rk.Prev, f.rk.Cycle, f.keys.Back}
}

func (f *profileForm) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

func (f *profileForm) get(id string) string { return strings.TrimSpace(f.rows.row(id).value()) }

func (f *profileForm) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case discoveredMsg:
		if msg.owner != f.id {
			return f, nil
		}
		if msg.err != nil {
			f.busy, f.err = false, "Discovery failed: "+msg.err.Error()
			return f, nil
		}
		return f, f.save(msg.p)
	case savedMsg:
		if msg.owner != f.id {
			return f, nil
		}
		f.busy = false
		if msg.err != nil {
			f.err = "Not saved: " + msg.err.Error()
			return f, nil
		}
		return f, emit(profileSavedMsg{ProfileFromStore(msg.p)})
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Back):
			return f, emit(showStartMsg{})
		case key.Matches(msg, f.keys.Run) && !f.busy:
			return f, f.submit()
		}
	}
	cmd, _ := f.rows.update(msg, f.rk)
	return f, cmd
}

// profile builds the saved form, checking what can be checked offline.
func (f *profileForm) profile() (store.Profile, error) {
	p := store.Profile{Name: f.get("name"), ClientID: f.get("client_id"), ClientSecret: f.get("client_secret"), Scope: f.get("scope")}
	switch {
	case p.Name == "":
		return p, fmt.Errorf("give the profile a name")
	case p.ClientID == "":
		return p, fmt.Errorf("the client ID is needed")
	}
	for _, existing := range f.k.state.profiles {
		if existing.Name == p.Name {
			return p, fmt.Errorf("a profile named %q exists already", p.Name)
		}
	}
	switch kind := flows.ProviderKind(f.get("kind")); kind {
	case flows.KindSpace:
		sp, err := flows.Space(f.get("url"))
		if err != nil {
			return p, err
		}
		p.Provider = flows.Provider{Kind: kind, ServiceURL: sp.ServiceURL}
		if p.Scope == "" {
			p.Scope = "**"
		}
	case flows.KindDiscovery:
		if _, err := flows.ValidateURL("issuer", f.get("url")); err != nil {
			return p, err
		}
		p.Provider = flows.Provider{Kind: kind, ServiceURL: f.get("url"), Issuer: f.get("url")}
	default:
		prov, err := flows.Endpoints(p.Name, f.get("auth_url"), f.get("token_url"))
		if err != nil {
			return p, err
		}
		if prov.TokenURL == "" && prov.AuthURL == "" {
			return p, fmt.Errorf("give at least a token URL or an authorization URL")
		}
		p.Provider = prov
	}
	return p, nil
}

func (f *profileForm) submit() tea.Cmd {
	p, err := f.profile()
	if err != nil {
		f.err = err.Error()
		return nil
	}
	f.err, f.busy = "", true
	if p.Provider.Kind != flows.KindDiscovery {
		return f.save(p)
	}
	// Read the discovery document now, so the saved profile has endpoints
	// and a mistake in the issuer shows here rather than mid-flow.
	client, owner := f.k.deps.Env.HTTP, f.id
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		prov, _, err := flows.Discover(ctx, client, p.Provider.Issuer)
		if err != nil {
			return discoveredMsg{owner: owner, err: err}
		}
		prov.Advertised = nil // the document is read again when needed; keep the file short
		p.Provider = prov
		return discoveredMsg{owner: owner, p: p}
	}
}

func (f *profileForm) save(p store.Profile) tea.Cmd {
	save, owner := f.k.deps.SaveProfile, f.id
	return func() tea.Msg {
		if save == nil {
			return savedMsg{owner: owner, p: p, err: fmt.Errorf("there is nowhere to save profiles")}
		}
		return savedMsg{owner: owner, p: p, err: save(p)}
	}
}

func (f *profileForm) View() string {
	s := f.k.styles
	var b strings.Builder
	b.WriteString("\n" + wrapIndent(s.Title.Render("New profile")+s.Subtle.Render("  saved to "+f.k.deps.ProfilesPath), f.width-4, 2, s.Text) + "\n\n")
	for i := range f.rows.rows {
		b.WriteString(f.rows.view(s, i, f.width) + "\n")
	}
	if f.busy {
		b.WriteString("\n  " + s.Subtle.Render("saving…") + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + wrapIndent(s.Err.Render("✗ ")+f.err, f.width-4, 2, s.Text) + "\n")
	}
	return b.String()
}
