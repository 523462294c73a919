package flows

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Token is what a flow obtained. Raw keeps the server's response whole,
// fields authplay does not know included.
type Token struct {
	AccessToken  Secret          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken Secret          `json:"refresh_token,omitempty"`
	IDToken      Secret          `json:"id_token,omitempty"`
	Scope        string          `json:"scope,omitempty"`
	ExpiresIn    int64           `json:"expires_in,omitempty"`
	Expiry       time.Time       `json:"expiry,omitzero"`
	ObtainedAt   time.Time       `json:"obtained_at"`
	Raw          json.RawMessage `json:"raw,omitempty"`
	// ScopeReturned says the response named a scope; without one, the
	// token has the scope asked for (RFC 6749 §5.1).
	ScopeReturned bool `json:"scope_returned,omitempty"`
	// Notes are lenient readings of the response a learner should know about.
	Notes []string `json:"notes,omitempty"`
}

// ParseTokenResponse reads an RFC 6749 §5.1 response. It is strict where the
// RFC is (access_token required, token_type Bearer when given) and lenient
// where servers differ harmlessly (case of token_type, expires_in as a
// string, form-encoded bodies as GitHub sends by default).
func ParseTokenResponse(contentType string, body []byte, now time.Time) (Token, error) {
	fields, err := decodeFields(contentType, body)
	if err != nil {
		return Token{}, err
	}
	t := Token{ObtainedAt: now}
	if isJSON(contentType, body) {
		t.Raw = append(json.RawMessage(nil), body...)
	} else if raw, err := json.Marshal(fields); err == nil {
		t.Raw = raw // a form-encoded answer, kept as JSON for one shape everywhere
	}
	str := func(k string) string {
		if s, ok := fields[k].(string); ok {
			return s
		}
		return ""
	}
	if e := str("error"); e != "" {
		return t, serverError(e, str("error_description"), str("error_uri"), 0)
	}
	t.AccessToken = Secret(str("access_token"))
	if t.AccessToken == "" {
		return t, fmt.Errorf("the response has no access_token (RFC 6749 §5.1 requires one); fields present: %s", termsafe.Line(fieldNames(fields)))
	}
	for _, name := range []string{"access_token", "refresh_token", "id_token"} {
		if err := checkTokenChars(name, str(name)); err != nil {
			return t, err
		}
	}
	t.TokenType = str("token_type")
	switch {
	case t.TokenType == "":
		t.Notes = append(t.Notes, "token_type is missing (RFC 6749 §5.1 requires it); treated as Bearer")
		t.TokenType = "Bearer"
	case strings.EqualFold(t.TokenType, "bearer"):
		if t.TokenType != "Bearer" {
			t.Notes = append(t.Notes, fmt.Sprintf("token_type %q read as Bearer (the name is case-insensitive)", t.TokenType))
		}
		t.TokenType = "Bearer"
	case strings.EqualFold(t.TokenType, "dpop"):
		t.TokenType = "DPoP" // bound to the key of the request's DPoP proof (RFC 9449 §5)
	default:
		return t, fmt.Errorf("token_type is %q, but authplay can only use Bearer and DPoP tokens (RFC 6750, RFC 9449); the server may need a setting to issue Bearer tokens", t.TokenType)
	}
	t.RefreshToken = Secret(str("refresh_token"))
	t.IDToken = Secret(str("id_token"))
	t.Scope = str("scope")
	_, t.ScopeReturned = fields["scope"]
	if !termsafe.Safe(t.Scope) {
		t.Scope = termsafe.Line(t.Scope)
		t.Notes = append(t.Notes, "scope holds control characters (shown escaped); RFC 6749 §3.3 allows none")
	}
	switch v := fields["expires_in"].(type) {
	case float64:
		t.ExpiresIn = int64(v)
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return t, fmt.Errorf("expires_in is %q, not a number of seconds", v)
		}
		t.ExpiresIn = n
		t.Notes = append(t.Notes, "expires_in was sent as a string; RFC 6749 says it is a number")
	case nil:
	default:
		return t, fmt.Errorf("expires_in has the wrong type (%T)", v)
	}
	if t.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return t, nil
}

// checkTokenChars holds a token to RFC 6749 Appendix A: printable ASCII
// (%x20-7E) only. A token is printed for scripts and pasted into shells and
// headers; a control character in one could drive the terminal that shows
// it, so such a token is refused rather than printed changed.
func checkTokenChars(field, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("the %s holds a byte outside printable ASCII (0x%02x at position %d, in %s); RFC 6749 Appendix A allows only %%x20-7E, so authplay will not use or print it", field, c, i, termsafe.Line(wire.Peek(v)))
		}
	}
	return nil
}

// fieldNames lists a response's member names for an error: each name
// cut to 40 characters and at most 12 of them, since a server chooses them
// and an error must not echo a huge answer back.
func fieldNames(m map[string]any) string {
	if len(m) == 0 {
		return "none"
	}
	var ks []string
	for k := range m {
		if r := []rune(k); len(r) > 40 {
			k = string(r[:40]) + "…"
		}
		ks = append(ks, k)
	}
	slices.Sort(ks)
	if len(ks) > 12 {
		ks = append(ks[:12], fmt.Sprintf("and %d more", len(ks)-12))
	}
	return strings.Join(ks, ", ")
}

func isJSON(contentType string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return strings.HasSuffix(mt, "json") || (mt == "" && json.Valid(body))
}

// decodeFields reads JSON, or a form body when the server says it sends one.
// HTML, the usual sign of a wrong URL or a login page, gets its own error.
func decodeFields(contentType string, body []byte) (map[string]any, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := strings.TrimSpace(string(body))
	switch {
	case len(trimmed) == 0:
		return nil, bodyError(BodyEmpty, "the response body is empty; an OAuth endpoint answers with JSON")
	case mt == "text/html" || strings.HasPrefix(strings.ToLower(trimmed), "<!doctype") || strings.HasPrefix(strings.ToLower(trimmed), "<html"):
		return nil, bodyError(BodyHTML, "the server answered with an HTML page where JSON was expected; the URL is probably not the endpoint it should be (or a proxy or login page answered)")
	case mt == "application/x-www-form-urlencoded" || mt == "text/plain" && !strings.HasPrefix(trimmed, "{"):
		q, err := url.ParseQuery(trimmed)
		if err != nil {
			return nil, bodyError(BodyNotJSON, "the response is neither JSON nor a form: %v", err)
		}
		out := map[string]any{}
		for k := range q {
			out[k] = q.Get(k)
		}
		return out, nil
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, bodyError(BodyNotJSON, "the response is not valid JSON (%v); it starts with %q", err, wire.Head(trimmed, 60))
	}
	return out, nil
}

// serverError builds an OAuthError from what a server sent: every field is
// made safe to print, since the server chose its bytes.
func serverError(code, desc, uri string, status int) *OAuthError {
	return &OAuthError{Code: termsafe.Line(code), Description: termsafe.Line(desc), URI: termsafe.Line(uri), Status: status}
}

// OAuthError is an error response from an authorization server (RFC 6749
// §4.1.2.1 and §5.2, RFC 8628 §3.5) or a Space API error.
type OAuthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
	Status      int    `json:"status,omitempty"`
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + ": " + e.Description
}

// ExpiresAt is when the access token stops working, zero when unknown.
func (t Token) ExpiresAt() time.Time { return t.Expiry }

// Remaining is the time left at now, clamped at zero.
func (t Token) Remaining(now time.Time) time.Duration {
	if t.Expiry.IsZero() {
		return 0
	}
	return max(0, t.Expiry.Sub(now))
}
