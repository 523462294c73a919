package ui

import (
	"net/url"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

type fieldKind int

const (
	textField fieldKind = iota
	secretField
	choiceField
)

type field struct {
	id, label, hint string
	kind            fieldKind
	input           textinput.Model
	choices         []string
	choice          int
	required, isURL bool
	err             string
}

func (f *field) value() string {
	if f.kind == choiceField {
		return f.choices[f.choice]
	}
	return strings.TrimSpace(f.input.Value())
}

type formKeys struct{ Next, Prev, Run, Back, Reveal, Cycle key.Binding }

type form struct {
	fieldList
	c      *common
	method flows.Method
	reveal bool
	keys   formKeys
	err    string
}

// fieldsFor lists a method's fields in the order a person fills them.
var fieldsFor = map[flows.Method][]string{
	flows.ClientCredentials: {"token_url", "client_id", "client_secret", "scope", "auth_style"},
	flows.AuthorizationCode: {"auth_url", "token_url", "client_id", "client_secret", "redirect_uri", "scope", "pkce", "access_type", "auth_style"},
	flows.Implicit:          {"auth_url", "client_id", "redirect_uri", "scope"},
	flows.Password:          {"token_url", "client_id", "client_secret", "username", "password", "scope", "access_type", "auth_style"},
	flows.RefreshToken:      {"token_url", "client_id", "client_secret", "seed", "scope", "auth_style"},
	flows.PermanentToken:    {"api_base", "seed"},
	flows.DeviceCode:        {"device_url", "token_url", "client_id", "client_secret", "scope", "auth_style"},
}

func newForm(c *common, m flows.Method) *form {
	f := &form{c: c, method: m, keys: formKeys{
		Next: bind("tab,down", "tab", "next field"), Prev: bind("shift+tab,up", "shift+tab", "previous"),
		Run: bind("enter", "enter", "run"), Back: bind("esc", "esc", "back"),
		Reveal: bind("ctrl+r", "ctrl+r", "reveal secrets"), Cycle: bind("left,right,space", "←/→", "change choice"),
	}}
	p := c.deps.Profile
	pp := p.Params
	seedLabel, seed, seedHint := "Refresh token", latestRefreshToken(c), "from your latest session"
	if m == flows.PermanentToken {
		seedLabel, seed, seedHint = "Token", p.PermanentToken, "a Space personal or application token, or any bearer token"
	}
	if seed == "" && m == flows.RefreshToken {
		seedHint = "none saved yet: run Authorization Code (offline) or Password first, or paste one"
	}
	defs := map[string]*field{
		"auth_url":      {label: "Authorization URL", isURL: true, required: true, input: input(pp.Provider.AuthURL)},
		"token_url":     {label: "Token URL", isURL: true, required: true, input: input(pp.Provider.TokenURL)},
		"device_url":    {label: "Device URL", isURL: true, required: true, input: input(pp.Provider.DeviceURL)},
		"api_base":      {label: "API base URL", isURL: true, required: true, input: input(pp.Provider.APIBase)},
		"client_id":     {label: "Client ID", required: true, input: input(pp.ClientID)},
		"client_secret": {label: "Client secret", kind: secretField, input: input(p.Creds.ClientSecret.Reveal()), hint: "empty for a public client"},
		"redirect_uri":  {label: "Redirect URI", required: true, input: input(or(pp.RedirectURI, "http://127.0.0.1:0/callback")), hint: "port 0 picks a free port"},
		"scope":         {label: "Scope", input: input(pp.Scope), hint: scopeHint(pp)},
		"username":      {label: "Username", required: true, input: input(pp.Username)},
		"password":      {label: "Password", kind: secretField, required: true, input: input(p.Creds.Password.Reveal())},
		"seed":          {label: seedLabel, kind: secretField, required: true, input: input(seed.Reveal()), hint: seedHint},
		"auth_style":    {label: "Client auth", kind: choiceField, choices: []string{"auto", "basic", "body", "none"}, hint: "auto: Basic with a secret, public client without"},
		"pkce":          {label: "PKCE", kind: choiceField, choices: []string{"S256", "plain", "off"}},
		"access_type":   {label: "Access type", kind: choiceField, choices: []string{"offline", "online", ""}, hint: "Space: offline asks for a refresh token"},
	}
	selectChoice(defs["auth_style"], or(string(pp.AuthStyle), "auto"))
	selectChoice(defs["pkce"], string(pp.PKCE))
	selectChoice(defs["access_type"], or(pp.AccessType, "offline"))
	for _, id := range fieldsFor[m] {
		fd := defs[id]
		fd.id = id
		if fd.kind == secretField {
			fd.input.EchoMode = textinput.EchoPassword
			fd.input.EchoCharacter = '•'
		}
		f.fields = append(f.fields, fd)
	}
	f.setFocus(0)
	f.validate()
	return f
}

// latestRefreshToken finds the refresh token of this profile's most recent
// session that has one: "a refresh token kept from an earlier sign-in".
func latestRefreshToken(c *common) flows.Secret {
	st := c.deps.Store
	if st == nil {
		return ""
	}
	list, err := st.List(c.deps.Profile.Name, "")
	if err != nil {
		return ""
	}
	for _, sum := range list[:min(len(list), 50)] {
		if sess, err := st.Get(sum.ID); err == nil && sess.State.Token != nil && sess.State.Token.RefreshToken != "" {
			return sess.State.Token.RefreshToken
		}
	}
	return ""
}

func scopeHint(p flows.Params) string {
	if p.Provider.Kind == flows.KindSpace || p.Provider.Builtin {
		return "** means every right the app holds"
	}
	return "space-separated"
}

func input(v string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.SetValue(v)
	ti.SetWidth(52)
	ti.CharLimit = 8192
	return ti
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func selectChoice(f *field, v string) {
	for i, c := range f.choices {
		if c == v {
			f.choice = i
		}
	}
}

func (f *form) Keys() []key.Binding {
	f.keys.Cycle.SetEnabled(f.fields[f.focus].kind == choiceField)
	return []key.Binding{f.keys.Run, f.keys.Next, f.keys.Prev, f.keys.Cycle, f.keys.Reveal, f.keys.Back}
}

func (f *form) Update(msg tea.Msg) (Screen, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey {
		if cmd, ok := f.navigate(k, f.keys); ok {
			return f, cmd
		}
		switch {
		case key.Matches(k, f.keys.Back):
			return f, emit(backMsg{})
		case key.Matches(k, f.keys.Reveal):
			f.reveal = !f.reveal
			for _, fd := range f.fields {
				if fd.kind == secretField {
					fd.input.EchoMode = map[bool]textinput.EchoMode{true: textinput.EchoNormal, false: textinput.EchoPassword}[f.reveal]
				}
			}
			return f, nil
		case key.Matches(k, f.keys.Run):
			return f, f.submit()
		}
	}
	cmd := f.typeInto(msg)
	f.validate()
	return f, cmd
}

// validate checks every field as the person types.
func (f *form) validate() bool {
	ok := true
	for _, fd := range f.fields {
		fd.err = ""
		v := fd.value()
		switch {
		case fd.required && v == "":
			fd.err = "required"
		case fd.isURL && v != "":
			if _, err := flows.ValidateURL(strings.ToLower(fd.label), v); err != nil {
				fd.err = err.Error()
			}
		case fd.id == "redirect_uri":
			if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" {
				fd.err = "not an absolute URL"
			}
		}
		if fd.err != "" {
			ok = false
		}
	}
	if f.get("auth_style") == "none" && f.get("client_secret") != "" {
		f.field("client_secret").err = "ignored: client auth is none (public client)"
	}
	return ok
}

func (f *form) submit() tea.Cmd {
	if !f.validate() {
		for i, fd := range f.fields {
			if fd.err != "" && fd.err != "ignored: client auth is none (public client)" {
				f.err = fd.label + ": " + fd.err
				return f.setFocus(i)
			}
		}
	}
	f.err = ""
	p := f.c.deps.Profile.Params
	prov := p.Provider
	for id, dst := range map[string]*string{"auth_url": &prov.AuthURL, "token_url": &prov.TokenURL, "device_url": &prov.DeviceURL, "api_base": &prov.APIBase} {
		if fd := f.field(id); fd != nil {
			*dst = fd.value()
		}
	}
	p.Provider = prov
	p.ClientID = f.get("client_id")
	p.Scope = f.get("scope")
	if v := f.field("redirect_uri"); v != nil {
		p.RedirectURI = v.value()
	}
	if v := f.field("auth_style"); v != nil {
		p.AuthStyle, _ = flows.ParseAuthStyle(v.value()) // one of the choices, each valid
	}
	if v := f.field("pkce"); v != nil {
		p.PKCE = flows.PKCEMethod(v.value())
	}
	if v := f.field("access_type"); v != nil {
		p.AccessType = v.value()
	}
	if v := f.field("username"); v != nil {
		p.Username = v.value()
	}
	if p.Timeout == 0 {
		p.Timeout = wire.Duration(5 * time.Minute)
	}
	st := flows.Start(f.method, p)
	st.Seed = flows.Secret(f.get("seed"))
	creds := flows.Credentials{ClientSecret: flows.Secret(f.get("client_secret")), Password: flows.Secret(f.get("password"))}
	return emit(submitMsg{state: st, creds: creds})
}

func (f *form) View() string {
	s := f.c.styles
	var b strings.Builder
	b.WriteString(stepper(s, []string{"Configure", "Run", "Inspect"}, 0, false) + "\n\n")
	info := f.method.Info()
	b.WriteString(wrapIndent(info.Summary, f.c.width-4, 2, s.Text) + "\n")
	if info.Warning != "" {
		b.WriteString(wrapIndent("⚠ "+info.Warning, f.c.width-4, 2, s.Warn) + "\n")
	}
	b.WriteString("\n")
	for i, fd := range f.fields {
		note := ""
		switch {
		case fd.err != "" && fd.err != "required":
			note = s.Err.Render(" " + fd.err)
		case fd.err == "required" && i != f.focus:
			note = s.Warn.Render(" required")
		case i == f.focus && fd.hint != "":
			note = s.Subtle.Render(" " + fd.hint)
		case fd.kind == secretField && i == f.focus:
			note = s.Subtle.Render(" ctrl+r reveals")
		}
		b.WriteString(f.row(s, i, note, f.c.width) + "\n")
	}
	if f.err != "" {
		b.WriteString("\n  " + s.Err.Render(f.err) + "\n")
	}
	if prev := f.preview(); prev != "" {
		b.WriteString("\n" + indent(s.Box.Width(f.c.width-4).Render(s.Subtle.Render("will send")+"\n"+prev), 1))
	}
	return b.String()
}

// preview shows the request the flow's first step will send, secrets masked.
func (f *form) preview() string {
	path := func(raw string) string {
		if u, err := url.Parse(raw); err == nil && u.Path != "" {
			return u.Path
		}
		return raw
	}
	auth := ""
	style, _ := flows.ParseAuthStyle(f.get("auth_style"))
	switch style.Resolve(flows.Secret(f.get("client_secret"))) {
	case flows.AuthBasic:
		auth = "\nAuthorization: Basic " + f.get("client_id") + ":••••"
	case flows.AuthBody:
		auth = "  (client_id and client_secret in the body)"
	case flows.AuthNone:
		auth = "  (public client: client_id in the body)"
	}
	scope := ""
	if sc := f.get("scope"); sc != "" {
		scope = "&scope=" + url.QueryEscape(sc)
	}
	switch f.method {
	case flows.ClientCredentials:
		return "POST " + path(f.get("token_url")) + auth + "\ngrant_type=client_credentials" + scope
	case flows.Password:
		return "POST " + path(f.get("token_url")) + auth + "\ngrant_type=password&username=" + url.QueryEscape(f.get("username")) + "&password=••••" + scope
	case flows.RefreshToken:
		return "POST " + path(f.get("token_url")) + auth + "\ngrant_type=refresh_token&refresh_token=••••" + scope
	case flows.DeviceCode:
		return "POST " + path(f.get("device_url")) + auth + "\nclient_id=" + f.get("client_id") + scope
	case flows.AuthorizationCode:
		pk := ""
		if p := f.get("pkce"); p != "off" {
			pk = "&code_challenge=…&code_challenge_method=" + p
		}
		return "GET " + path(f.get("auth_url")) + "?response_type=code&client_id=" + f.get("client_id") + scope + "&state=…" + pk
	case flows.Implicit:
		return "GET " + path(f.get("auth_url")) + "?response_type=token&client_id=" + f.get("client_id") + scope + "&state=…"
	case flows.PermanentToken:
		return "GET " + f.get("api_base") + "/…\nAuthorization: Bearer ••••"
	}
	return ""
}
