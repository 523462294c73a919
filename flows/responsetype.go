package flows

import (
	"slices"
	"strings"
)

// The response types each redirect method asks for. The code flow always
// gets a code, which it trades at the token endpoint; with id_token or
// token beside it, the redirect brings those too (OIDC's hybrid flow, OIDC
// Core §3.3). Implicit gets no code: only what the redirect carries (RFC
// 6749 §4.2, OIDC Core §3.2). The first of each is the default.
//
// Every one is always offered: a server's discovery document may leave out
// a combination it accepts (dex takes "id_token token" without listing
// it), so a missing one is a lint warning, never a refusal.
var responseTypes = map[Method][]string{
	AuthorizationCode: {"code", "code id_token", "code token", "code id_token token"},
	Implicit:          {"token", "id_token", "id_token token"},
}

// Where an authorization response comes back (OAuth 2.0 Multiple Response
// Type Encoding Practices §2, OAuth 2.0 Form Post Response Mode).
const (
	ModeQuery    = "query"     // in the redirect URI's query: code only
	ModeFragment = "fragment"  // after the #: the browser keeps it, a relay page brings it here
	ModeFormPost = "form_post" // the server's page POSTs it to the redirect URI
)

// canonicalResponseType puts a response type's words in one order, since
// the order means nothing ("token id_token" is "id_token token").
func canonicalResponseType(s string) string {
	rank := map[string]int{"code": 0, "id_token": 1, "token": 2}
	words := strings.Fields(s)
	slices.SortStableFunc(words, func(a, b string) int {
		ra, oka := rank[a]
		rb, okb := rank[b]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a, b)
	})
	return strings.Join(words, " ")
}

// sameResponseType compares two response types as sets of words.
func sameResponseType(a, b string) bool { return canonicalResponseType(a) == canonicalResponseType(b) }

// responseType is what the run asks for: the chosen one, or the method's default.
func (p Params) responseType(m Method) string {
	if p.ResponseType != "" {
		return canonicalResponseType(p.ResponseType)
	}
	if rts := responseTypes[m]; len(rts) > 0 {
		return rts[0]
	}
	return ""
}

// asks says whether a response type asks for the thing named (code,
// id_token or token).
func asks(responseType, what string) bool { return slices.Contains(strings.Fields(responseType), what) }

// defaultMode is where a response type's answer comes back when no
// response_mode is sent: a code in the query, anything with a token in
// the fragment, where it stays out of server logs.
func defaultMode(responseType string) string {
	if responseType == "code" {
		return ModeQuery
	}
	return ModeFragment
}

// wantsIDToken says whether a run asks for an ID token anywhere: the
// openid scope, or an id_token response type. Either way a nonce is sent.
func (p Params) wantsIDToken(m Method) bool {
	return wantsOpenID(p.Scope) || asks(p.responseType(m), "id_token")
}
