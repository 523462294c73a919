package flows

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/termsafe"
)

// Diagnosis explains a failure, fix first: what to change, then why it
// failed, then the raw error.
type Diagnosis struct {
	Fix   string `json:"fix"`
	Cause string `json:"cause"`
	Raw   string `json:"raw"`
	Code  string `json:"code,omitempty"` // the OAuth or API error code, if any
	Refs  string `json:"refs,omitempty"`
}

// ExplainContext is what an explanation knows about the failed step: the
// more it knows, the more exact the fix.
type ExplainContext struct {
	// Family is whose words the fix speaks: Space's screens, the built-in
	// server's demo registrations, a preset's console, or (by default) the
	// standard concepts any server has.
	Family      Family
	Method      Method // the flow that failed; advice fits the grant
	ClientID    string
	RedirectURI string
	Scope       string
	Endpoint    string // the URL that was called
	// EndpointName says what Endpoint was meant to be ("token endpoint"),
	// and Advertised is the URL the server's discovery document gives for
	// it, when discovery was used.
	EndpointName string
	Advertised   string
}

// ExplainContext is the context for explaining a failure of this state's
// flow at endpoint (empty when no URL was involved).
func (st State) ExplainContext(endpoint string) ExplainContext {
	p := st.Params
	ec := ExplainContext{
		Family: p.Provider.FamilyOf(), Method: st.Method, ClientID: p.ClientID,
		RedirectURI: st.RedirectURI, Scope: p.Scope, Endpoint: endpoint,
	}
	if ec.RedirectURI == "" {
		ec.RedirectURI = p.RedirectURI
	}
	ec.EndpointName, ec.Advertised = p.Provider.endpointNamed(endpoint)
	if ec.EndpointName == "" && endpoint != "" && (endpoint == st.RedirectURI || endpoint == p.RedirectURI) {
		ec.EndpointName = "redirect URI"
	}
	return ec
}

// endpointNamed says which of the provider's endpoints url is, and the URL
// discovery gives for that endpoint.
func (p Provider) endpointNamed(url string) (name, advertised string) {
	md := Metadata{}
	if p.Advertised != nil {
		md = *p.Advertised
	}
	switch url {
	case "":
		return "", ""
	case p.TokenURL:
		return "token endpoint", md.TokenEndpoint
	case p.AuthURL:
		return "authorization endpoint", md.AuthorizationEndpoint
	case p.DeviceURL:
		return "device authorization endpoint", md.DeviceEndpoint
	case p.IntrospectURL:
		return "introspection endpoint", md.IntrospectionEndpoint
	case p.RevokeURL:
		return "revocation endpoint", md.RevocationEndpoint
	case p.UserinfoURL:
		return "userinfo endpoint", md.UserinfoEndpoint
	case p.PARURL:
		return "PAR endpoint", md.PAREndpoint
	case p.JWKSURL:
		return "key set", md.JWKSURI
	}
	if p.APIBase != "" && strings.HasPrefix(url, strings.TrimRight(p.APIBase, "/")) {
		return "API", ""
	}
	return "", ""
}

// Explain turns any error from a step into a Diagnosis.
func Explain(err error, ec ExplainContext) *Diagnosis {
	if err == nil {
		return nil
	}
	var oe *OAuthError
	var re *oauth2.RetrieveError
	var ae *AnswerError
	var se *settingError
	var de *DPoPError
	if d, ok := explainPage(err, ec); ok {
		return d
	}
	switch {
	case errors.As(err, &de):
		return explainDPoP(de, ec)
	case errors.As(err, &oe):
		return explainCode(oe.Code, oe.Description, err.Error(), ec)
	case errors.As(err, &re):
		return explainCode(termsafe.Line(re.ErrorCode), termsafe.Line(re.ErrorDescription), redactRetrieve(re), ec)
	case errors.As(err, &ae):
		return explainAnswer(ae, ec)
	case errors.As(err, &se):
		if se.fix != "" {
			return &Diagnosis{
				Fix:   se.fix,
				Cause: "authplay sent nothing: " + termsafe.Line(se.msg) + ".",
				Raw:   termsafe.Line(se.msg),
			}
		}
		return &Diagnosis{
			Fix:   capitalize(termsafe.Line(se.msg)) + ".",
			Cause: "authplay sent nothing: a value it needs before it can send this request is missing or wrong.",
			Raw:   termsafe.Line(se.msg),
		}
	}
	return explainTransport(err, ec)
}

func redactRetrieve(re *oauth2.RetrieveError) string {
	s := fmt.Sprintf("HTTP %d", re.Response.StatusCode)
	if re.ErrorCode != "" {
		s += ": " + termsafe.Line(re.ErrorCode)
	}
	if re.ErrorDescription != "" {
		s += " (" + termsafe.Line(re.ErrorDescription) + ")"
	}
	return s
}

func orQuote(s string) string {
	if s == "" {
		return "your application"
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// article puts "a" or "an" before a name.
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
