package flows

import (
	"slices"
	"strings"
)

// Offer is a value a field suggests, with what choosing it means. A field
// with offers is a space-separated list a person may pick from (a scope)
// as well as type into.
type Offer struct {
	Value, Meaning string
}

// Offers are the values the field suggests for the draft; nil for a field
// without suggestions.
func (f FieldDef) Offers(d *Draft) []Offer {
	if f.offers == nil {
		return nil
	}
	return f.offers(d)
}

// oidcScopes are OpenID Connect's standard scopes (OIDC Core §5.4, §11),
// in the order a person meets them.
var oidcScopes = []Offer{
	{"openid", "makes the request an OpenID Connect one: an ID token tells who signed in"},
	{"profile", "the user's name, picture and similar claims"},
	{"email", "the user's email address and whether it is verified"},
	{"address", "the user's postal address"},
	{"phone", "the user's phone number and whether it is verified"},
	{"offline_access", "a refresh token, for access while the user is away (OIDC Core §11)"},
}

// spaceScopes teach Space's scope syntax: ** or a list of
// context:permission elements, where the context is global, a project
// (project:key:KEY) or a channel (channel:ID), and the permission is one
// the API Playground names.
var spaceScopes = []Offer{
	{"**", "everything the token's subject may do: the rights authorized for the application (for a user, no more than the user has)"},
	{"global:Profile.View", "read member profiles anywhere in the organization"},
	{"global:Profile.Absences.View", "read absences"},
	{"global:Applications.View", "read applications (an app reads itself with applications/me)"},
	{"global:Channel.ViewMessages", "read chat messages in every channel the subject can see"},
	{"project:key:DEMO:Project.Issues.View", "read issues of the project whose key is DEMO: a project context narrows a right to one project"},
}

// scopeOffers: for Space and the built-in server, its syntax; for others,
// what the server's discovery document lists, OIDC's standard scopes
// explained, and the scopes the draft asks for already.
func scopeOffers(d *Draft) []Offer {
	p := d.Params.Provider
	var out []Offer
	if p.SpaceLike() {
		out = slices.Clone(spaceScopes)
	} else {
		out = slices.Clone(oidcScopes)
		if p.Advertised != nil {
			for _, s := range p.Advertised.Scopes {
				if isScopeToken(s) { // a server's text is offered only if it can be a scope
					out = addOffer(out, Offer{s, "listed by the server's discovery document"})
				}
			}
		}
	}
	for _, s := range strings.Fields(d.Params.Scope) {
		if isScopeToken(s) {
			out = addOffer(out, Offer{s, "asked for now"})
		}
	}
	return out
}

// addOffer adds an offer whose value is not there yet.
func addOffer(out []Offer, o Offer) []Offer {
	if slices.ContainsFunc(out, func(x Offer) bool { return x.Value == o.Value }) {
		return out
	}
	return append(out, o)
}

// isScopeToken is RFC 6749 §3.3's scope-token: %x21 / %x23-5B / %x5D-7E,
// at most 200 bytes here. A discovery document's scopes_supported is a
// server's text: one that is not a scope-token (a terminal escape, a
// space, a quote) is not offered, so it is neither drawn nor sent.
func isScopeToken(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
			return false
		}
	}
	return true
}
