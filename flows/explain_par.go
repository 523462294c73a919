package flows

import (
	"errors"
	"strings"

	"github.com/authplay/authplay/flows/termsafe"
)

// Refusals of pushed and signed authorization requests (RFC 9126, RFC
// 9101): a request_uri the server will not take, a request object it
// cannot trust. A server shows most of them to the browser on a page of
// its own rather than sending the browser back, since it cannot trust the
// redirect URI of a request it could not read (RefusedOnPage).

func invalidRequestURI(ec ExplainContext, _ string) advice {
	a := advice{
		cause: "The server would not take the request_uri: a pushed request is good for one authorization, for a short time, and only for the client that pushed it; this one was used already, has expired, or is another client's.",
		fix:   "Run the flow again: authplay pushes a fresh request each time. A URL opened twice, a reloaded tab or an edit that reused an earlier request_uri cannot work.",
		refs:  "RFC 9126 §4 · §2.2",
	}
	if voiceOf(ec.Family) == voiceBuiltin {
		a.fix += " The built-in server keeps a pushed request for 60 seconds."
	}
	return a
}

func invalidRequestObject(ec ExplainContext, _ string) advice {
	a := advice{
		cause: "The server did not accept the request object: its signature does not check out with a key registered for the client, or a claim is off (iss must be the client_id, aud the server's issuer, client_id repeated inside, exp soon).",
		fix: "Sign with the private key registered for client " + orQuote(ec.ClientID) + inConsole(ec.Family) +
			" (authplay keygen prints the public key to register) and keep the claims authplay makes; the server's description below names what is wrong.",
		refs: "RFC 9101 §6 · §4",
	}
	switch voiceOf(ec.Family) {
	case voiceBuiltin:
		a.fix = "Sign with the published demo key, which every registration of the built-in server trusts for request objects: " + demoKeyWords + "."
	case voiceSpace:
		a.fix = "Space takes no request objects: turn Request object off for Space, or try it on the built-in server."
	}
	return a
}

// RefusedOnPage is a refusal the authorization server showed the browser
// on a page of its own instead of sending it back: what the page (or the
// built-in server's demo approval) said.
type RefusedOnPage struct{ Code, Description string }

func (e *RefusedOnPage) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + ": " + e.Description
}

// explainPage explains a refusal on a page like the same error sent back.
func explainPage(err error, ec ExplainContext) (*Diagnosis, bool) {
	var page *RefusedOnPage
	if !errors.As(err, &page) {
		return nil, false
	}
	d := explainCode(page.Code, page.Description, page.Error(), ec)
	d.Cause = "The server refused on a page of its own and sent the browser nowhere. " + d.Cause
	return d, true
}

// ParseRefusal reads a refusal as a server's page or the built-in server's
// demo approval states it, "error_code: description" (or the code alone,
// as a person copies it from the page), or nil when the text is no error
// code authplay knows: any word would look like an unknown one.
func ParseRefusal(text string) *RefusedOnPage {
	code, desc, _ := strings.Cut(strings.TrimSpace(text), ": ")
	if _, known := codeAdvice[code]; !known || !oauthCode(code) {
		return nil
	}
	return &RefusedOnPage{Code: code, Description: termsafe.Line(desc)}
}

// oauthCode reports whether s has the shape of an error code (RFC 6749
// §5.2: no spaces): a lower-case letter, then 2 to 63 of a-z, 0-9, '_'
// and '-'. A loop, not a package-level regexp: compiling `{2,63}` at init
// cost every run of authplay, scripts included, about 2% of its CPU.
func oauthCode(s string) bool {
	if len(s) < 3 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
