package flows

import (
	"cmp"
	"net/url"
	"strings"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// The token type identifiers of RFC 8693 §3: a token exchange names what
// each token it sends is, and the server names what it sent back, since
// neither side can be trusted to guess from the bytes.
const (
	tokenTypeAccess  = "urn:ietf:params:oauth:token-type:access_token"
	tokenTypeRefresh = "urn:ietf:params:oauth:token-type:refresh_token"
	tokenTypeID      = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeJWT     = "urn:ietf:params:oauth:token-type:jwt"
	tokenTypeSAML2   = "urn:ietf:params:oauth:token-type:saml2"
	tokenTypeSAML1   = "urn:ietf:params:oauth:token-type:saml1"
)

// The grant types of the two methods, as the token endpoint names them.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	grantJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// tokenTypeChoices are the types a subject or actor token can be, labelled
// for people; the command line takes the last part of the URN as well.
var tokenTypeChoices = []Choice{
	{tokenTypeAccess, "access token"},
	{tokenTypeJWT, "JWT"},
	{tokenTypeID, "ID token"},
	{tokenTypeRefresh, "refresh token"},
	{tokenTypeSAML2, "SAML 2.0 assertion"},
	{tokenTypeSAML1, "SAML 1.1 assertion"},
}

// requestedTypeChoices start with not asking: the server then issues what
// it issues by default, an access token in practice.
var requestedTypeChoices = append([]Choice{{"", "(not sent)"}}, tokenTypeChoices...)

const tokenTypeNames = "access_token, jwt, id_token, refresh_token, saml2, saml1 or the whole URN"

// ExchangeParams are a token exchange's settings (RFC 8693 §2.1): what the
// tokens it sends are, and whom the new token is for. The tokens
// themselves are secrets and travel in Credentials.
type ExchangeParams struct {
	SubjectTokenType   string `json:"subject_token_type,omitempty"`
	ActorTokenType     string `json:"actor_token_type,omitempty"`
	Audience           string `json:"audience,omitempty"`
	Resource           string `json:"resource,omitempty"`
	RequestedTokenType string `json:"requested_token_type,omitempty"`
}

// subjectType and actorType default to an access token, the usual case: a
// service passing on the token it was called with.
func (e ExchangeParams) subjectType() string { return cmp.Or(e.SubjectTokenType, tokenTypeAccess) }
func (e ExchangeParams) actorType() string   { return cmp.Or(e.ActorTokenType, tokenTypeAccess) }

// resourceProblem holds a resource to RFC 8707 §2: an absolute URI without
// a fragment.
func resourceProblem(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil || !u.IsAbs():
		return "not an absolute URI (RFC 8707 §2)"
	case strings.Contains(v, "#"):
		return "a resource has no #fragment (RFC 8707 §2)"
	}
	return ""
}

// tokenTypeWords names a token type for people: "an access token
// (…:access_token)"; a type authplay does not know is shown as sent, made
// safe to print, since the server chose it.
func tokenTypeWords(urn string) string {
	for _, c := range tokenTypeChoices {
		if c.Value == urn {
			return article(c.Label) + " (" + urn + ")"
		}
	}
	return "the type " + termsafe.Line(wire.Head(urn, 120))
}
