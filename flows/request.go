package flows

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/authplay/authplay/flows/wire"
)

// Purpose says what a request is for.
type Purpose string

const (
	PurposeAuthorization Purpose = "authorization" // the browser's visit to the authorization endpoint
	PurposeToken         Purpose = "token"
	PurposeDevice        Purpose = "device_authorization"
	PurposePoll          Purpose = "device_poll"
	PurposeRefresh       Purpose = "refresh"
	PurposeIntrospection Purpose = "introspection"
	PurposeRevocation    Purpose = "revocation"
	PurposeAPI           Purpose = "api"
)

// Request is one request a step sends, as a plain value: a machine builds
// it from its state, a front door shows it (the form's preview) and may
// let a person change it, and one sender sends it. It is a value, not a
// closure, so what is shown is what is sent.
type Request struct {
	Purpose Purpose     `json:"purpose"`
	Method  string      `json:"method"`
	URL     string      `json:"url"` // with its query; for the browser, the whole authorization URL
	Header  http.Header `json:"header,omitempty"`
	Form    url.Values  `json:"form,omitempty"` // an application/x-www-form-urlencoded body
	Body    string      `json:"body,omitempty"` // any other body (an API call's JSON)
	// Browser marks a request the browser sends (the authorization
	// request): authplay builds and shows it but does not send it.
	Browser bool `json:"browser,omitempty"`
	// Overrides name the parameters authplay sets that a person's custom
	// parameter replaced: allowed (a lab tampers on purpose), never silent.
	Overrides []string `json:"overrides,omitempty"`
}

// OverrideNote says that a custom parameter replaced one authplay sets.
func OverrideNote(key string) string {
	return "Custom parameter " + key + " overrides authplay's own " + key + ": the server gets your value instead, while authplay still judges the answer by its own."
}

// userAgent names authplay to every server it talks to.
func userAgent() string { return "authplay/" + wire.Version + " (+OAuth 2.0 playground)" }

// newFormRequest starts a POST of form to endpoint, as every token-endpoint
// style request is sent (RFC 6749 §3.2).
func newFormRequest(purpose Purpose, endpoint string, form url.Values) Request {
	return Request{Purpose: purpose, Method: http.MethodPost, URL: endpoint, Form: form, Header: http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}, "User-Agent": {userAgent()},
	}}
}

// payload is the body as sent.
func (r Request) payload() string {
	if r.Form != nil {
		return r.Form.Encode()
	}
	return r.Body
}

// Shown is the request as a person reads it, secrets masked: the same
// redaction a recorded exchange gets, so a preview and what went over the
// wire read the same.
func (r Request) Shown() wire.Message {
	return wire.Redacted(r.Method, r.URL, r.Header, []byte(r.payload()))
}

func (r Request) httpRequest(ctx context.Context) (*http.Request, error) {
	var body *strings.Reader
	if p := r.payload(); p != "" {
		body = strings.NewReader(p)
	}
	var hr *http.Request
	var err error
	if body != nil {
		hr, err = http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	} else {
		hr, err = http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	}
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	return hr, nil
}

// basicAuth is the Authorization header value of RFC 6749 §2.3.1: each
// part form-encoded before base64, which many clients forget.
func basicAuth(id string, secret Secret) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret.Reveal())))
}
