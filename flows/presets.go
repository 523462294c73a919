package flows

// Preset is a well-known provider: its endpoints (templates with
// placeholders such as {tenant}), where an application is registered, the
// redirect URI it accepts, and the habits authplay handles for it.
type Preset struct {
	ID   Family // also the provider's family
	Name string // as people call it: "Microsoft Entra ID"
	// Needs names the placeholders a person fills in, with a hint each:
	// {"tenant": "a tenant ID, or common or organizations"}.
	Needs []Placeholder
	// Issuer is the discovery issuer's template; empty when the provider
	// has no discovery, and the endpoints below are used instead.
	Issuer                                                  string
	AuthURL, TokenURL, DeviceURL, JWKSURL, APIBase, UserURL string
	// Console is where an application is registered, in the provider's
	// own words: what a fix names instead of "the server's settings".
	Console string
	// Redirect is the redirect URI to register, and its rule (ports).
	Redirect string
	// Steps are the registration steps; Quirks what authplay does about
	// the provider's habits, one line each.
	Steps, Quirks []string
	// Scope is a scope that works out of the box.
	Scope string
}

// Placeholder is one value a preset needs from the person.
type Placeholder struct{ Name, Hint string }

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
