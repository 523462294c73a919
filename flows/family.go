package flows

// Family is what kind of server a provider is, which decides the defaults
// authplay uses and the words it speaks: Space's screens for Space, the
// built-in server's demo registrations for it, the standard concepts for
// any OIDC or OAuth 2.0 server, and a preset's own console for a preset.
// Kind says how the endpoints were found; Family says whose habits apply.
type Family string

const (
	FamilySpace   Family = "space"   // JetBrains Space (Cloud or On-Premises)
	FamilyBuiltin Family = "builtin" // authplay's own offline server, Space-compatible
	FamilyOIDC    Family = "oidc"    // any OpenID Connect provider
	FamilyOAuth2  Family = "oauth2"  // any OAuth 2.0 server without OIDC
	// A preset's ID (github, google, entra, …) is a family of its own.
)

// FamilyOf is the provider's family: the one it names, or else the one its
// kind implies (profiles written before families load unchanged).
func (p Provider) FamilyOf() Family {
	switch {
	case p.Builtin:
		return FamilyBuiltin
	case p.Family != "":
		return p.Family
	case p.Kind == KindSpace:
		return FamilySpace
	case p.Kind == KindDiscovery:
		return FamilyOIDC
	}
	return FamilyOAuth2
}

// SpaceLike says whether the provider speaks Space's dialect: Space itself
// and the built-in server, which take access_type, request_credentials and
// scope ** and answer with Space's error codes.
func (p Provider) SpaceLike() bool {
	f := p.FamilyOf()
	return f == FamilySpace || f == FamilyBuiltin
}
