package flows

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/authplay/authplay/flows/wire"
)

// Preset is a well-known provider: its endpoints (templates with
// placeholders such as {tenant}), where an application is registered, the
// redirect URI it accepts, and the habits authplay handles for it. The
// table is in providers.go; the new-profile screen, `authplay providers`
// and the README's real-server section all read it.
type Preset struct {
	ID   Family `json:"id"`   // also the provider's family
	Name string `json:"name"` // as people call it: "Microsoft Entra ID"
	// Needs are the placeholders a person fills in, in the order asked.
	Needs []Placeholder `json:"needs,omitempty"`
	// Issuer is the discovery issuer's template; empty when the provider
	// has no usable discovery, and the endpoints below are used instead.
	// With an issuer, the endpoints below only fill what discovery lacks.
	Issuer      string `json:"issuer,omitempty"`
	AuthURL     string `json:"auth_url,omitempty"`
	TokenURL    string `json:"token_url,omitempty"`
	DeviceURL   string `json:"device_url,omitempty"`
	JWKSURL     string `json:"jwks_url,omitempty"`
	APIBase     string `json:"api_base,omitempty"`
	UserinfoURL string `json:"userinfo_url,omitempty"` // the user's test call
	// Console is where an application is registered, in the provider's
	// own words: what a fix names instead of "the server's settings".
	Console string `json:"console"`
	// Redirect is the redirect URI authplay sends by default (port 0: any
	// free port); Register is the one to register with the provider, and
	// PortRule how the provider matches the two.
	Redirect string `json:"redirect_uri"`
	Register string `json:"register"`
	PortRule string `json:"port_rule"`
	// Steps are the registration steps; Quirks what authplay does about
	// the provider's habits, one line each.
	Steps  []string `json:"steps"`
	Quirks []string `json:"quirks"`
	// Scope is a scope that works out of the box.
	Scope     string    `json:"scope,omitempty"`
	AuthStyle AuthStyle `json:"auth_style,omitempty"`
	// AccessType is Space's access_type (offline brings a refresh token).
	AccessType string `json:"access_type,omitempty"`
	// AuthParams and TokenParams are extra parameters of the authorization
	// and token requests (values may hold placeholders; one that fills to
	// nothing is left out).
	AuthParams  []PresetParam `json:"auth_params,omitempty"`
	TokenParams []PresetParam `json:"token_params,omitempty"`
	// NoExpiry is what to say of a token that came without expires_in.
	NoExpiry string `json:"no_expiry,omitempty"`

	// adjust handles what a template cannot say (Entra's issuer exists
	// only for one tenant; a Cognito pool ID names its region).
	adjust func(p *Provider, values map[string]string) error
}

// Placeholder is one value a preset needs from the person.
type Placeholder struct {
	Name  string `json:"name"`  // as in the templates: {tenant}
	Label string `json:"label"` // as the new-profile form shows it
	Hint  string `json:"hint"`
	// Default is used when the value is left empty.
	Default string `json:"default,omitempty"`
	// Optional values may stay empty (Auth0's audience).
	Optional bool `json:"optional,omitempty"`
	// URL values are a base address (scheme, host, maybe a path); the
	// others are one word of a host name or path (tenant, realm, region),
	// or free text when they go only into a parameter.
	URL  bool `json:"url,omitempty"`
	Text bool `json:"text,omitempty"`
}

// PresetParam is one extra request parameter, as a plain key and value.
type PresetParam struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// presets is the table; providers.go fills it.
var presets []Preset

// Presets lists the presets in the order the new-profile screen offers them.
func Presets() []Preset { return append([]Preset(nil), presets...) }

// PresetOf is the preset of a family, if the family is one.
func PresetOf(f Family) (Preset, bool) {
	for _, p := range presets {
		if p.ID == f {
			return p, true
		}
	}
	return Preset{}, false
}

// Needed names the placeholders a person must fill in (those with neither
// a default nor the freedom to stay empty), for one-line listings.
func (p Preset) Needed() []string {
	var out []string
	for _, ph := range p.Needs {
		if ph.Default == "" && !ph.Optional {
			out = append(out, ph.Name)
		}
	}
	return out
}

// A word placeholder lands in a host name or a path segment: it must not
// be able to change which server or which path a URL names.
var wordPlaceholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`) })

// values checks the person's values against the preset's placeholders and
// applies the defaults. Errors name the placeholder and what it wants.
func (p Preset) values(in map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, ph := range p.Needs {
		v := strings.TrimSpace(in[ph.Name])
		if v == "" {
			v = ph.Default
		}
		switch {
		case v == "" && ph.Optional:
		case v == "":
			return nil, fmt.Errorf("%s needs %s: %s", p.Name, ph.Name, ph.Hint)
		case ph.URL:
			u, err := ValidateURL(p.Name+" "+ph.Name, v)
			if err != nil {
				return nil, err
			}
			if u.RawQuery != "" || u.Fragment != "" {
				return nil, fmt.Errorf("%s %s %q: give the address without ? or #", p.Name, ph.Name, v)
			}
			v = strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/")
		case ph.Text:
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return nil, fmt.Errorf("%s %s holds a control character", p.Name, ph.Name)
			}
		case !wordPlaceholder().MatchString(v):
			return nil, fmt.Errorf("%s %s %q: only letters, digits, dots, dashes and underscores (%s)", p.Name, ph.Name, v, ph.Hint)
		}
		out[ph.Name] = v
	}
	return out, nil
}

// fill replaces each {name} in template with its value.
func fill(template string, values map[string]string) string {
	for k, v := range values {
		template = strings.ReplaceAll(template, "{"+k+"}", v)
	}
	return template
}

// Provider fills the preset's templates with the person's values: the
// issuer to discover, or the endpoints themselves. A preset with an
// issuer still needs Resolve (or Discover) for its endpoints.
func (p Preset) Provider(in map[string]string) (Provider, error) {
	values, err := p.values(in)
	if err != nil {
		return Provider{}, err
	}
	prov := Provider{
		Name: p.Name, Kind: KindEndpoints, Family: p.ID,
		AuthURL: fill(p.AuthURL, values), TokenURL: fill(p.TokenURL, values), DeviceURL: fill(p.DeviceURL, values),
		JWKSURL: fill(p.JWKSURL, values), APIBase: fill(p.APIBase, values), UserinfoURL: fill(p.UserinfoURL, values),
	}
	switch {
	case p.ID == FamilySpace:
		sp, err := Space(values["url"])
		if err != nil {
			return Provider{}, err
		}
		sp.Name, sp.Family = p.Name, p.ID
		prov = sp
	case p.Issuer != "":
		prov.Kind = KindDiscovery
		prov.Issuer = fill(p.Issuer, values)
		prov.ServiceURL = prov.Issuer
	}
	if p.adjust != nil {
		if err := p.adjust(&prov, values); err != nil {
			return Provider{}, err
		}
	}
	for name, v := range map[string]string{"issuer": prov.Issuer, "authorization URL": prov.AuthURL, "token URL": prov.TokenURL,
		"device URL": prov.DeviceURL, "key set URL": prov.JWKSURL, "API base URL": prov.APIBase, "userinfo URL": prov.UserinfoURL} {
		if v == "" {
			continue
		}
		if _, err := ValidateURL(p.Name+" "+name, v); err != nil {
			return Provider{}, err
		}
	}
	return prov, nil
}

// Resolve is Provider, with the issuer's discovery document read for a
// preset that has one: its endpoints, kept under the preset's family, and
// the preset's own endpoints filling what the document leaves out.
func (p Preset) Resolve(ctx context.Context, client *http.Client, in map[string]string) (Provider, []wire.Exchange, error) {
	prov, err := p.Provider(in)
	if err != nil || prov.Kind != KindDiscovery {
		return prov, nil, err
	}
	found, ex, err := Discover(ctx, client, prov.Issuer)
	if err != nil {
		return Provider{}, ex, err
	}
	found.Name, found.Family = prov.Name, p.ID
	for _, f := range []struct {
		into *string
		from string
	}{
		{&found.AuthURL, prov.AuthURL}, {&found.TokenURL, prov.TokenURL}, {&found.DeviceURL, prov.DeviceURL},
		{&found.JWKSURL, prov.JWKSURL}, {&found.APIBase, prov.APIBase}, {&found.UserinfoURL, prov.UserinfoURL},
	} {
		if *f.into == "" {
			*f.into = f.from
		}
	}
	return found, ex, nil
}

// Params are the settings a run with this preset starts from: the
// provider, and the scope, redirect URI, client authentication and
// access type that suit it. The client ID is the person's to add.
func (p Preset) Params(prov Provider) Params {
	return Params{
		Provider: prov, Scope: p.Scope, RedirectURI: p.Redirect, AuthStyle: p.AuthStyle,
		AccessType: p.AccessType, PKCE: PKCES256,
		// The parameters that need no value of the person's (Google's
		// access_type and prompt); PersonalParams are the others.
		AuthParams: customOf(p.AuthParamsFor(nil)), TokenParams: customOf(p.TokenParamsFor(nil)),
	}
}

// PersonalParams are the preset's parameters that hold the person's values
// (Auth0's audience), filled in, as a profile saves them; the fixed ones
// come from the family whenever the profile is loaded (Params).
func (p Preset) PersonalParams(in map[string]string) (auth, token CustomParams) {
	personal := func(params []PresetParam) []PresetParam {
		return slices.DeleteFunc(slices.Clone(params), func(kv PresetParam) bool { return !strings.Contains(kv.Value, "{") })
	}
	return customOf(p.fillParams(personal(p.AuthParams), in)), customOf(p.fillParams(personal(p.TokenParams), in))
}

func customOf(kv []PresetParam) CustomParams {
	var out CustomParams
	for _, x := range kv {
		out = append(out, CustomParam(x))
	}
	return out
}

// AuthParamsFor and TokenParamsFor are the preset's extra parameters with
// the person's values filled in; one whose value fills to nothing (an
// optional placeholder left empty) is left out.
func (p Preset) AuthParamsFor(in map[string]string) []PresetParam {
	return p.fillParams(p.AuthParams, in)
}

// TokenParamsFor: see AuthParamsFor.
func (p Preset) TokenParamsFor(in map[string]string) []PresetParam {
	return p.fillParams(p.TokenParams, in)
}

func (p Preset) fillParams(params []PresetParam, in map[string]string) []PresetParam {
	values, err := p.values(in)
	if err != nil {
		values = map[string]string{}
	}
	var out []PresetParam
	for _, kv := range params {
		v := fill(kv.Value, values)
		if v == "" || strings.Contains(v, "{") {
			continue
		}
		out = append(out, PresetParam{Key: kv.Key, Value: v})
	}
	return out
}

// Complete fills what a provider of this preset's family left out with
// the preset's fixed endpoints (those without placeholders), so a profile
// may say only "family": "github".
func (p Preset) Complete(prov Provider) Provider {
	fixed := func(into *string, template string) {
		if *into == "" && template != "" && !strings.Contains(template, "{") {
			*into = template
		}
	}
	if prov.Kind != KindDiscovery || prov.TokenURL != "" {
		fixed(&prov.AuthURL, p.AuthURL)
		fixed(&prov.TokenURL, p.TokenURL)
		fixed(&prov.DeviceURL, p.DeviceURL)
	}
	fixed(&prov.JWKSURL, p.JWKSURL)
	fixed(&prov.APIBase, p.APIBase)
	fixed(&prov.UserinfoURL, p.UserinfoURL)
	if prov.Kind == "" && prov.TokenURL != "" {
		prov.Kind = KindEndpoints
	}
	if prov.Name == "" {
		prov.Name = p.Name
	}
	return prov
}

// NoExpiryNote is what to say of a token that came without expires_in:
// the provider's own habit when known (GitHub's tokens last until
// revoked), else only that none was given.
func (p Provider) NoExpiryNote() string {
	if pr, ok := PresetOf(p.FamilyOf()); ok && pr.NoExpiry != "" {
		return pr.NoExpiry
	}
	return "no expiry given"
}

// CheckFamily says whether a family is one authplay knows: the four
// kinds of server or a preset's ID. A typo in a profile ("githb") must not
// pass for a family with no habits.
func CheckFamily(f Family) error {
	known := []string{string(FamilySpace), string(FamilyBuiltin), string(FamilyOIDC), string(FamilyOAuth2)}
	for _, p := range presets {
		if p.ID == f {
			return nil
		}
		if p.ID != FamilySpace {
			known = append(known, string(p.ID))
		}
	}
	if f == "" || slices.Contains(known, string(f)) {
		return nil
	}
	return fmt.Errorf("family %q is not one authplay knows; choose %s", f, strings.Join(known, ", "))
}
