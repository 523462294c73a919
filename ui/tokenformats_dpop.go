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
// proof made now for the provider's test call (the call the line makes),
// with the API's nonce when it gave one.
func dpopCurl(st flows.State, now time.Time) (string, error) {
	p := st.Params.Provider
	call := flows.DefaultTestCall(p, st.Method)
	api, err := flows.ResolveAPIURL(p, call.Path)
	if err != nil {
		return "", err
	}
	method := cmp.Or(call.Method, http.MethodGet)
	api = st.Params.APIVia(api) // where the call goes, and so the proof's htu
	if st.NeedsResourceNonce(api) {
		return "", fmt.Errorf("no curl line yet: this server wants a nonce of its own in every DPoP proof (RFC 9449 §9), and its API has given this session none, so a line made now would be refused with use_dpop_nonce. Call the API once (a), which learns the nonce, then copy again")
	}
	proof, err := st.FreshProof(method, api, now)
	if err != nil {
		return "", fmt.Errorf("no curl line: the token is bound to a DPoP key, and a line without a fresh proof by that key would be refused (RFC 9449 §7.1). %s", capitalized(err.Error()))
	}
	line := curlStart(st)
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
		return "its DPoP proof is good for one request, and only while fresh (" + flows.ProofWindow(st.Params.Provider) + "): make the line again for another request (copy it again, or run the command again)"
	case "header":
		return "a DPoP token also needs a fresh proof with every request: the curl form makes one"
	}
	return ""
}

// NeedsAPICallFirst says whether the form cannot be made before one call
// to the API: a DPoP curl line for a server that wants nonces, whose API
// has given none yet. `authplay token` makes that call (it is the call the
// line makes); the TUI asks the person to.
func NeedsAPICallFirst(st flows.State, form string) bool {
	if form != "curl" || !st.DPoPBound() {
		return false
	}
	p := st.Params.Provider
	api, err := flows.ResolveAPIURL(p, flows.DefaultTestCall(p, st.Method).Path)
	return err == nil && st.NeedsResourceNonce(api)
}

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
