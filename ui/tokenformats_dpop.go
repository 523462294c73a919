package ui

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
)

// A DPoP-bound token works only with a fresh proof by the session's key
// for each request (RFC 9449 §7.1), so a curl line carries one, signed at
// the moment it is copied, for the call the line makes; when no proof can
// be made, the copy says why instead of giving a line that cannot work.

// dpopCurl is the curl line of a DPoP-bound token: the DPoP scheme, and a
// proof made now for the provider's test call.
func dpopCurl(st flows.State, now time.Time) (string, error) {
	p := st.Params.Provider
	call := flows.DefaultTestCall(p, st.Method)
	api, err := flows.ResolveAPIURL(p, call.Path)
	if err != nil {
		return "", err
	}
	method := cmp.Or(call.Method, http.MethodGet)
	proof, err := st.FreshProof(method, api, now)
	if err != nil {
		return "", fmt.Errorf("no curl line: the token is bound to a DPoP key, and a line without a fresh proof by that key would be refused (RFC 9449 §7.1). %s", capitalized(err.Error()))
	}
	line := "curl"
	if method != http.MethodGet {
		line += " -X " + shellWord(method)
	}
	return line + " -H " + shellQuote("Authorization: DPoP "+st.Token.AccessToken.Reveal()) + " -H " + shellQuote("DPoP: "+proof) +
		" -H 'Accept: application/json' " + shellQuote(api), nil
}

// TokenFormNote is what a person must know about a copied form beyond
// what it is: a DPoP proof's short life, or that a header alone is not
// enough for a DPoP token. Empty for the other forms.
func TokenFormNote(st flows.State, form string) string {
	if !st.DPoPBound() {
		return ""
	}
	switch form {
	case "curl":
		return "its DPoP proof is good for one request, and only while fresh (" + flows.ProofWindow(st.Params.Provider) + "): copy it again for a new one"
	case "header":
		return "a DPoP token also needs a fresh proof with every request: the curl form makes one"
	}
	return ""
}

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
