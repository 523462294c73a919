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
	fieldList
	c    *common
	keys formKeys
	err  string
	busy bool
}

type discoveredMsg struct {
	p   store.Profile
	err error
}

func newProfileForm(c *common) *profileForm {
	f := &profileForm{c: c, keys: formKeys{
		Next: bind("tab,down", "tab", "next field"), Prev: bind("shift+tab,up", "shift+tab", "previous"),
		Run: bind("enter", "enter", "save"), Back: bind("esc", "esc", "back"), Cycle: bind("left,right,space", "←/→", "change choice"),
	}}
	mk := func(id, label, hint string, kind fieldKind, choices ...string) *field {
		return &field{id: id, label: label, hint: hint, kind: kind, input: input(""), choices: choices}
	}
	f.fields = []*field{
		mk("name", "Name", "how the profile is listed", textField),
		mk("kind", "Provider", "space: from a service URL · discovery: from an issuer · endpoints: typed in", choiceField, "space", "discovery", "endpoints"),
		mk("url", "URL", "Space service URL, or the issuer", textField),
		mk("auth_url", "Authorization URL", "endpoints only", textField),
		mk("token_url", "Token URL", "endpoints only", textField),
		mk("client_id", "Client ID", "", textField),
		mk("client_secret", "Client secret", "env:VARIABLE or file:/path (kept out of the file); a plain value is saved as is", textField),
		mk("scope", "Scope", "space-separated; ** is everything in Space", textField),
	}
	f.fields[0].required, f.fields[5].required = true, true
	f.setFocus(0)
	return f
}

func (f *profileForm) Keys() []key.Binding {
	f.keys.Cycle.SetEnabled(f.fields[f.focus].kind == choiceField)
	return []key.Binding{f.keys.Run, f.keys.Next, f.keys.Prev, f.keys.Cycle, f.keys.Back}
}

func (f *profileForm) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case discoveredMsg:
		f.busy = false
		if msg.err != nil {
			f.err = "Discovery failed: " + msg.err.Error()
			return f, nil
		}
		return f, f.save(msg.p)
	case tea.KeyPressMsg:
		if cmd, ok := f.navigate(msg, f.keys); ok {
			return f, cmd
		}
		switch {
		case key.Matches(msg, f.keys.Back):
			return f, emit(backMsg{})
		case key.Matches(msg, f.keys.Run):
			return f, f.submit()
		}
	}
	return f, f.typeInto(msg)
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
	for _, existing := range f.c.deps.Profiles {
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
	f.err = ""
	if p.Provider.Kind != flows.KindDiscovery {
		return f.save(p)
	}
	// Read the discovery document now, so the saved profile has endpoints
	// and a mistake in the issuer shows here rather than mid-flow.
	f.busy = true
	env := f.c.deps.Env
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		prov, _, err := flows.Discover(ctx, env.HTTP, p.Provider.Issuer)
		if err != nil {
			return discoveredMsg{err: err}
		}
		prov.Advertised = nil // the document is read again when needed; keep the file short
		p.Provider = prov
		return discoveredMsg{p: p}
	}
}

func (f *profileForm) save(p store.Profile) tea.Cmd {
	path := f.c.deps.ProfilesPath
	existing, err := store.LoadProfiles(path)
	if err == nil {
		err = store.SaveProfiles(path, append(existing, p))
	}
	if err != nil {
		f.err = "Not saved: " + err.Error()
		return nil
	}
	up := ProfileFromStore(p)
	return emit(profileSavedMsg{up})
}

func (f *profileForm) View() string {
	s := f.c.styles
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("New profile") + s.Subtle.Render("  saved to "+f.c.deps.ProfilesPath) + "\n\n")
	for i, fd := range f.fields {
		note := ""
		if i == f.focus && fd.hint != "" {
			note = s.Subtle.Render(" " + fd.hint)
		}
		b.WriteString(f.row(s, i, note, f.c.width) + "\n")
	}
	if f.busy {
		b.WriteString("\n  " + s.Subtle.Render("reading the discovery document…") + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + wrapIndent(s.Err.Render("✗ ")+f.err, f.c.width-4, 2, s.Text) + "\n")
	}
	return b.String()
}

// ProfileFromStore turns a saved profile into one the program can run,
// resolving its secret references; a reference that cannot be resolved
// leaves the secret empty and says why.
func ProfileFromStore(sp store.Profile) Profile {
	p := Profile{Name: sp.Name, Saved: &sp}
	params, err := sp.Params()
	if err != nil {
		p.Problem = err.Error()
		return p
	}
	p.Params = params
	creds, err := sp.Credentials()
	if err != nil {
		p.Problem = err.Error()
	}
	p.Creds = creds
	return p
}
