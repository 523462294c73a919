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

// profileForm adds a profile. The presets come first (GitHub, Google,
// Entra ID, …: the person fills in only what the preset needs), then any
// OIDC server by its issuer, then endpoints typed in. A discovery document
// is read before saving, so the saved profile has endpoints and a wrong
// issuer shows here rather than mid-flow.
type profileForm struct {
	frame
	rows fieldRows
	rk   rowKeys
	keys formKeys
	err  string
	busy bool
	// fixed are the rows every provider has; the provider's own rows (a
	// preset's placeholders, an issuer, endpoints) come and go between
	// them, and what was typed in them is kept in typed.
	fixed map[string]*fieldRow
	typed map[string]string
	// filledScope is the scope the form filled in for the last provider:
	// replaced when the provider changes, unless the person edited it.
	filledScope string
}

// The two choices after the presets.
const (
	choiceDiscovery = "discovery"
	choiceEndpoints = "endpoints"
)

func newProfileForm(k *kit, id int) *profileForm {
	f := &profileForm{frame: frame{k: k, id: id}, rk: newRowKeys(), typed: map[string]string{}, keys: formKeys{
		Run: bind("enter", "enter", "save"), Back: bind("esc", "esc", "back"),
	}}
	var choices []flows.Choice
	for _, p := range flows.Presets() {
		choices = append(choices, flows.Choice{Value: string(p.ID), Label: p.Name})
	}
	choices = append(choices, flows.Choice{Value: choiceDiscovery, Label: "other OIDC server (discovery)"},
		flows.Choice{Value: choiceEndpoints, Label: "other (endpoints typed in)"})
	text := func(id, label, hint string) *fieldRow { return newTextRow(id, label, hint, flows.KindText, "") }
	f.fixed = map[string]*fieldRow{
		"name":          text("name", "Name", "how the profile is listed"),
		"provider":      newChoiceRow("provider", "Provider", "←/→ chooses; a preset knows the endpoints, the scope and the redirect URI", choices, choices[0].Value),
		"client_id":     text("client_id", "Client ID", ""),
		"client_secret": text("client_secret", "Client secret", "env:VARIABLE or file:/path (kept out of the file); a plain value is saved as is"),
		"scope":         text("scope", "Scope", "space-separated; the preset's is filled in"),
		"jwks_url":      text("jwks_url", "Key set URL", "JWKS, to check JWT signatures; empty: discovery or the preset fills it"),
	}
	f.rebuild()
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

func (f *profileForm) get(id string) string {
	if r := f.rows.row(id); r != nil {
		return strings.TrimSpace(r.value())
	}
	return ""
}

// preset is the chosen preset, if a preset is chosen.
func (f *profileForm) preset() (flows.Preset, bool) {
	return flows.PresetOf(flows.Family(f.fixed["provider"].value()))
}

// placeholderRow is the row of one preset's placeholder: Auth0's domain
// and Okta's are different rows, so neither fills in the other.
func placeholderRow(p flows.Preset, ph flows.Placeholder) string {
	return "preset:" + string(p.ID) + ":" + ph.Name
}

// rebuild lays out the rows for the chosen provider, keeping what was
// typed in rows that go away, and the scope in step with the provider.
func (f *profileForm) rebuild() {
	for _, r := range f.rows.rows {
		if _, fixed := f.fixed[r.id]; !fixed {
			f.typed[r.id] = r.input.Value()
		}
	}
	text := func(id, label, hint string) *fieldRow {
		return newTextRow(id, label, hint, flows.KindText, f.typed[id])
	}
	rows := []*fieldRow{f.fixed["name"], f.fixed["provider"]}
	scope := ""
	switch choice := f.fixed["provider"].value(); choice {
	case choiceDiscovery:
		rows = append(rows, text("issuer", "Issuer", "the server's issuer URL; its discovery document is read before saving"))
	case choiceEndpoints:
		rows = append(rows, text("auth_url", "Authorization URL", "for the browser flows"),
			text("token_url", "Token URL", "for every flow but bring-a-token"))
	default:
		p, _ := f.preset()
		for _, ph := range p.Needs {
			hint := ph.Hint
			switch {
			case ph.Default != "":
				hint += " (empty: " + ph.Default + ")"
			case ph.Optional:
				hint += " (optional)"
			}
			rows = append(rows, text(placeholderRow(p, ph), ph.Label, hint))
		}
		scope = p.Scope
	}
	if sc := f.fixed["scope"]; sc.input.Value() == f.filledScope {
		sc.input.SetValue(scope)
		f.filledScope = scope
	}
	rows = append(rows, f.fixed["client_id"], f.fixed["client_secret"], f.fixed["scope"], f.fixed["jwks_url"])
	focus := f.rows.focus
	f.rows.rows = rows
	f.rows.focus = min(focus, len(rows)-1)
	f.rows.setWidth(f.width)
}

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
	cmd, changed := f.rows.update(msg, f.rk)
	if changed && f.rows.focused().id == "provider" {
		f.err = ""
		f.rebuild()
	}
	return f, cmd
}

// profile builds the profile to save, checking what can be checked
// offline; values are the preset's placeholders as typed.
func (f *profileForm) profile() (store.Profile, map[string]string, error) {
	p := store.Profile{Name: f.get("name"), ClientID: f.get("client_id"), ClientSecret: f.get("client_secret"), Scope: f.get("scope")}
	values := map[string]string{}
	if p.Name == "" {
		return p, nil, fmt.Errorf("give the profile a name")
	}
	for _, existing := range f.k.state.profiles {
		if existing.Name == p.Name {
			return p, nil, fmt.Errorf("a profile named %q exists already", p.Name)
		}
	}
	switch choice := f.get("provider"); choice {
	case choiceDiscovery:
		if _, err := flows.ValidateURL("issuer", f.get("issuer")); err != nil {
			return p, nil, err
		}
		p.Provider = flows.Provider{Kind: flows.KindDiscovery, ServiceURL: f.get("issuer"), Issuer: f.get("issuer")}
	case choiceEndpoints:
		prov, err := flows.Endpoints(p.Name, f.get("auth_url"), f.get("token_url"))
		if err != nil {
			return p, nil, err
		}
		if prov.TokenURL == "" && prov.AuthURL == "" {
			return p, nil, fmt.Errorf("give at least a token URL or an authorization URL")
		}
		p.Provider = prov
	default:
		pr, _ := f.preset()
		for _, ph := range pr.Needs {
			values[ph.Name] = f.get(placeholderRow(pr, ph))
		}
		// The preset's redirect URI, client authentication and access
		// type come from its family when the profile is loaded, so a
		// later authplay's better default reaches saved profiles too.
		prov, err := pr.Provider(values)
		if err != nil {
			return p, nil, err
		}
		p.Provider = prov
		// Parameters that hold what the person typed (Auth0's audience)
		// are saved with the profile; the fixed ones come from the family.
		p.AuthParams, p.TokenParams = pr.PersonalParams(values)
	}
	if p.ClientID == "" { // checked in the order of the rows
		return p, nil, fmt.Errorf("the client ID is needed")
	}
	if jwks := f.get("jwks_url"); jwks != "" {
		if _, err := flows.ValidateURL("key set URL", jwks); err != nil {
			return p, nil, err
		}
		p.Provider.JWKSURL = jwks
	}
	return p, values, nil
}

func (f *profileForm) submit() tea.Cmd {
	p, values, err := f.profile()
	if err != nil {
		f.err = err.Error()
		return nil
	}
	f.err, f.busy = "", true
	if p.Provider.Kind != flows.KindDiscovery {
		return f.save(p)
	}
	pr, isPreset := f.preset()
	client, owner, jwks := f.k.deps.Env.HTTP, f.id, f.get("jwks_url")
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var prov flows.Provider
		var err error
		if isPreset {
			prov, _, err = pr.Resolve(ctx, client, values)
		} else {
			prov, _, err = flows.Discover(ctx, client, p.Provider.Issuer)
		}
		if err != nil {
			return discoveredMsg{owner: owner, err: err}
		}
		prov.Advertised = nil // the document is read again when needed; keep the file short
		if jwks != "" {
			prov.JWKSURL = jwks // typed by the person: it wins over discovery
		}
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
	// The focused row's hint, unless an error takes its place, then what
	// to register where.
	if hint := f.rows.hintView(s, f.width); hint != "" && f.err == "" {
		b.WriteString("\n" + hint + "\n")
	}
	b.WriteString("\n" + wrapIndent(f.registerLine(), f.width-4, 2, s.Text) + "\n")
	if f.busy {
		b.WriteString("\n  " + s.Subtle.Render("saving…") + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + wrapIndent(s.Err.Render("✗ ")+f.err, f.width-4, 2, s.Text) + "\n")
	}
	return b.String()
}

// registerLine says what to register where, for the chosen provider.
func (f *profileForm) registerLine() string {
	if p, ok := f.preset(); ok {
		return "Register " + p.Register + " at " + p.Console + ": " + p.PortRule + ". All steps: authplay providers " + string(p.ID)
	}
	if f.get("provider") == choiceDiscovery {
		return "Register http://127.0.0.1/callback as a redirect URI (most servers take any port on a loopback address; RFC 8252 §7.3)."
	}
	return "Register http://127.0.0.1/callback as a redirect URI; give at least a token URL or an authorization URL."
}
