package flows

import (
	"context"
	"net/http"
)

// Lint is what the server's discovery document says against this draft,
// before anything is sent: a grant type, a client authentication, a PKCE
// method, a scope, a response type or mode the server does not list. It
// warns and never refuses (documents leave things out); nil when the
// provider's document is not at hand.
func (d Draft) Lint() []string {
	p := d.Params
	if p.Provider.Advertised == nil {
		return nil
	}
	pkce := PKCEOff
	if d.Method == AuthorizationCode {
		pkce = p.PKCE
	}
	out := p.Provider.Lint(d.Method, p.AuthStyle.Resolve(d.Creds.ClientSecret), p.Scope, pkce)
	if d.Method == AuthorizationCode || d.Method == Implicit {
		out = append(out, p.Provider.LintResponse(p.responseType(d.Method), p.ResponseMode)...)
	}
	return out
}

// MetadataIssuer is the issuer whose discovery document would tell what
// the server supports, when the provider has one and its document is not
// at hand yet; "" otherwise (Space publishes none).
func (p Provider) MetadataIssuer() string {
	if p.Advertised != nil || p.FamilyOf() == FamilySpace {
		return ""
	}
	return p.Issuer
}

// FetchMetadata reads the provider's discovery document for the lint,
// with the endpoints the profile already has left as they are.
func (p Provider) FetchMetadata(ctx context.Context, client *http.Client) (*Metadata, error) {
	issuer := p.MetadataIssuer()
	if issuer == "" {
		return p.Advertised, nil
	}
	found, _, err := Discover(ctx, client, issuer)
	if err != nil {
		return nil, err
	}
	return found.Advertised, nil
}
