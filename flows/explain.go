package flows

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"golang.org/x/oauth2"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
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

// Context for an explanation: the more it knows, the more exact the fix.
type ExplainContext struct {
	Space       bool   // the provider is JetBrains Space (fixes name its settings)
	Method      Method // the flow that failed
	ClientID    string
	RedirectURI string
	Scope       string
	Endpoint    string // the URL that was called
}

// Explain turns any error from a step into a Diagnosis.
func Explain(err error, ec ExplainContext) *Diagnosis {
	if err == nil {
		return nil
	}
	var oe *OAuthError
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &oe):
		return explainCode(oe.Code, oe.Description, err.Error(), ec)
	case errors.As(err, &re):
		return explainCode(termsafe.Line(re.ErrorCode), termsafe.Line(re.ErrorDescription), redactRetrieve(re), ec)
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

// spaceApp names where a setting lives in Space, per the registration guide.
func (ec ExplainContext) where(tab string) string {
	if !ec.Space {
		return "in the server's settings for client " + orQuote(ec.ClientID)
	}
	return "in Space: Extensions › Installed › " + orQuote(ec.ClientID) + " › " + tab
}

func orQuote(s string) string {
	if s == "" {
		return "your application"
	}
	return s
}

func explainCode(code, desc, raw string, ec ExplainContext) *Diagnosis {
	d := &Diagnosis{Code: code, Raw: raw}
	server := ""
	if desc != "" {
		server = " The server said: " + desc + "."
	}
	switch code {
	case "invalid_client":
		d.Fix = "Check the client ID and secret (" + ec.where("Authentication") + "), and the client authentication style: Space wants HTTP Basic."
		d.Cause = "The server did not recognise the application, or the secret is wrong." + server
		d.Refs = "RFC 6749 §5.2"
	case "unauthorized_client":
		if strings.Contains(strings.ToLower(desc), "redirect") {
			d.Fix = "Add " + orQuote(ec.RedirectURI) + " to the application's redirect URIs (" + ec.where("Authentication › Redirect URIs") + "), or use one that is already listed."
			d.Cause = "A server sends the browser only to addresses registered for the application, so a code can never land somewhere else." + server
			d.Refs = "RFC 6749 §3.1.2"
			break
		}
		d.Fix = "Enable this flow for the application (" + ec.where("Authentication: tick the flow's checkbox") + ")."
		d.Cause = "The application is not allowed to use this flow." + server
		d.Refs = "RFC 6749 §5.2"
	case "invalid_scope":
		d.Fix = "Ask only for rights the application holds: request them and have an administrator approve them (" + ec.where("Authorization: request rights, then approve them globally or per project") + "), or send scope ** for everything it has."
		if strings.Contains(desc, "project") {
			d.Fix = "Authorize the application in that project (" + ec.where("Authorization › Projects") + "; a project administrator approves the rights)."
		}
		d.Cause = "The scope asks for more than the application is allowed." + server
		d.Refs = "RFC 6749 §3.3"
	case "invalid_grant":
		d.Fix = "Start the flow again for a fresh code or token: codes work once and for a short time, and must be redeemed with the same redirect URI and PKCE verifier; refresh tokens stop working when revoked."
		d.Cause = "The code, refresh token or credentials sent are no longer valid for this application." + server
		d.Refs = "RFC 6749 §5.2 · RFC 7636 §4.6"
	case "invalid_request":
		d.Fix = "Correct the parameter the server names; if it names none, compare the request below with the flow's specification."
		d.Cause = "The request is malformed: a parameter is missing, repeated or not allowed." + server
		d.Refs = "RFC 6749 §5.2"
	case "unsupported_grant_type":
		d.Fix = "Pick a flow this server supports (its discovery document lists grant_types_supported)."
		d.Cause = "The server does not implement this grant type." + server
	case "unsupported_response_type":
		d.Fix = "Use response_type=code (authorization code); servers drop the implicit flow's token response."
		d.Cause = "The server does not offer this response type." + server
	case "access_denied":
		d.Fix = "Try again and press Accept (Allow) on the server's page, or sign in as a user who may grant this."
		d.Cause = "The user, or the server on the user's behalf, refused the request." + server
		d.Refs = "RFC 6749 §4.1.2.1"
	case "expired_token":
		d.Fix = "Start the device flow again and enter the new code sooner."
		d.Cause = "The device code expired before the user approved it." + server
		d.Refs = "RFC 8628 §3.5"
	case "authorization_pending", "slow_down":
		d.Fix = "Keep waiting: the user has not finished yet."
		d.Cause = "The device flow is still waiting for the user." + server
		d.Refs = "RFC 8628 §3.5"
	case "temporarily_unavailable", "server_error":
		d.Fix = "Wait a moment and try again; if it persists, the server's administrators need to look."
		d.Cause = "The server had a problem of its own." + server
	case "authentication-required":
		d.Fix = "Get a new access token (refresh it, or run the flow again)."
		d.Cause = "The API did not accept the token." + server
	case "permission-denied":
		d.Fix = "Grant the right the call needs: request it (" + ec.where("Authorization") + ") and have it approved, then get a new token; for user resources use a flow in which a user signs in."
		d.Cause = "The token is valid but may not do this." + server
	default:
		d.Fix = "Read the server's description below; the code is not one authplay knows."
		d.Cause = "The server refused the request with " + code + "." + server
	}
	return d
}

func explainTransport(err error, ec ExplainContext) *Diagnosis {
	d := &Diagnosis{Raw: termsafe.Line(err.Error())}
	host := ec.Endpoint
	if u, perr := url.Parse(ec.Endpoint); perr == nil && u.Host != "" {
		host = u.Host
	}
	var dnsErr *net.DNSError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var urlErr *url.Error
	var redirErr *wire.RedirectRefusedError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		d.Fix = "Check that " + host + " is the right address and reachable from here (VPN, proxy, firewall); the server did not answer in time."
		d.Cause = "The request timed out."
	case errors.Is(err, context.Canceled):
		d.Fix = "Nothing to fix: the step was cancelled."
		d.Cause = "Cancelled before it finished."
	case errors.As(err, &dnsErr):
		d.Fix = "Check the spelling of " + orQuote(dnsErr.Name) + " in the server URL, or your DNS and network."
		d.Cause = "The host name does not resolve."
	case errors.Is(err, syscall.ECONNREFUSED):
		d.Fix = "Start the server, or correct the port in " + host + "."
		d.Cause = "Nothing is listening at " + host + "."
	case errors.As(err, &uaErr) || errors.As(err, &hostErr):
		d.Fix = "Use the server's real https address, or trust its certificate authority: give its CA certificate as --ca-file (a profile's ca_file), or add it to your system store."
		d.Cause = "The TLS certificate could not be verified."
	case errors.Is(err, wire.ErrBodyTooLarge):
		d.Fix = "Check the endpoint URL: no OAuth endpoint sends this much."
		d.Cause = "The response is larger than 1 MiB."
	case strings.Contains(err.Error(), "HTML page"):
		d.Fix = "Check the endpoint URL: it should be the token endpoint (for Space: <service URL>/oauth/token), not a web page."
		d.Cause = "The server answered with a web page where JSON was expected."
	case errors.As(err, &redirErr):
		d.Fix = "Point authplay at " + redirErr.From + "'s final address on the same server, or ask why it sends clients to " + wire.Origin(redirErr.To) + "."
		d.Cause = "The endpoint redirected a request that carries credentials to another origin. Following it would hand the client secret, password or token to a server you did not configure, so authplay stopped."
		d.Refs = "RFC 9700 §4.11"
	case strings.Contains(err.Error(), "redirects in a loop"):
		d.Fix = "Use the endpoint's final address (often https instead of http, or with or without a trailing slash)."
		d.Cause = "The endpoint keeps redirecting."
	case errors.As(err, &urlErr):
		d.Fix = "Check the URL " + host + " and your network."
		d.Cause = "The request could not be sent."
	default:
		d.Fix = "Read the error below; if the request looks right, the server's logs will say more."
		d.Cause = "The step failed."
	}
	return d
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
