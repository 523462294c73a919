package flows

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// oauth2Context hands x/oauth2 our recording client.
func oauth2Context(ctx context.Context, c *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

func (b *base) oauth2Config() *oauth2.Config {
	p := b.st.Params
	cfg := &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: b.creds.ClientSecret.Reveal(),
		Endpoint: oauth2.Endpoint{
			AuthURL: p.Provider.AuthURL, TokenURL: p.Provider.TokenURL, DeviceAuthURL: p.Provider.DeviceURL,
			AuthStyle: b.authStyle().oauth2(),
		},
		RedirectURL: b.st.RedirectURI,
		Scopes:      strings.Fields(p.Scope),
	}
	if b.authStyle() == AuthNone {
		cfg.ClientSecret = ""
	}
	return cfg
}

// tokenResult reads the token endpoint's answer from the recorded response
// rather than from x/oauth2's result, so the raw response is kept whole and
// every server's quirks are judged by one parser.
func tokenResult(rec *wire.Recorder, callErr error, now time.Time) (Token, error) {
	ct, body, err := outcome(rec, callErr)
	if err != nil {
		return Token{}, err
	}
	return ParseTokenResponse(ct, body, now)
}

// outcome reads the token endpoint's last recorded answer: its content type
// and raw body, or the error it stands for (the transport's, or an RFC 6749
// §5.2 error for a status of 300 and up).
func outcome(rec *wire.Recorder, callErr error) (contentType string, body []byte, err error) {
	status, contentType, body, err := rec.Outcome(callErr)
	if err != nil {
		return "", nil, err
	}
	if status >= 300 {
		return contentType, body, errorFromResponse(status, contentType, body)
	}
	return contentType, body, nil
}

// errorFromResponse reads an RFC 6749 §5.2 error body, or says what came instead.
func errorFromResponse(status int, contentType string, body []byte) error {
	fields, err := decodeFields(contentType, body)
	if err != nil {
		return fmt.Errorf("HTTP %d, and %w", status, err)
	}
	code, _ := fields["error"].(string)
	if code == "" {
		return fmt.Errorf("HTTP %d without an OAuth error code; body: %s", status, termsafe.Line(wire.Head(string(body), 200)))
	}
	desc, _ := fields["error_description"].(string)
	uri, _ := fields["error_uri"].(string)
	return serverError(code, desc, uri, status)
}

// postForm sends a token-endpoint style request with the client
// authentication the params ask for. It is used where x/oauth2 cannot send
// what Space expects: extra parameters on the password and refresh grants,
// and one device poll at a time.
func (b *base) postForm(ctx context.Context, c *http.Client, endpoint string, form url.Values) error {
	p := b.st.Params
	style := b.authStyle()
	switch style {
	case AuthBody:
		form.Set("client_id", p.ClientID)
		form.Set("client_secret", b.creds.ClientSecret.Reveal())
	case AuthNone:
		form.Set("client_id", p.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if style == AuthBasic {
		// RFC 6749 §2.3.1: each part is form-encoded before base64.
		req.SetBasicAuth(url.QueryEscape(p.ClientID), url.QueryEscape(b.creds.ClientSecret.Reveal()))
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func requireURL(name, v string) error {
	if v == "" {
		return fmt.Errorf("the provider has no %s; set it in the profile (or use discovery)", name)
	}
	_, err := ValidateURL(name, v)
	return err
}

func scopeOr(s string) string {
	if s == "" {
		return "(none: the server's default)"
	}
	return s
}
