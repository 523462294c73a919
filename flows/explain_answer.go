package flows

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Failures that are not an OAuth error: an endpoint that answered with
// something else than it is for, the network's own errors, and what is
// left. Each gets a cause that names what happened, and where.

// isResource says whether the endpoint is one the access token is sent
// to, where 401 and 403 speak of the token rather than of the client.
func (ec ExplainContext) isResource() bool {
	return ec.EndpointName == "API" || ec.EndpointName == "userinfo endpoint"
}

// discoverySays compares the URL called with the one discovery gives.
func (ec ExplainContext) discoverySays() string {
	switch {
	case ec.Advertised == "":
		return ""
	case ec.Advertised == ec.Endpoint:
		return " It is the URL the server's discovery document gives, so the server itself, or a proxy in front of it, answers wrongly."
	}
	return " The server's discovery document gives " + ec.Advertised + " as its " + ec.EndpointName + "."
}

// correctURL is the fix for a URL that is not the endpoint it should be:
// the URL discovery gives, or where this family's server keeps it.
func (ec ExplainContext) correctURL() string {
	name := cmp.Or(ec.EndpointName, "endpoint")
	if ec.Advertised != "" && ec.Advertised != ec.Endpoint {
		return "Use " + ec.Advertised + " as the " + name + ": it is the URL the server's discovery document gives."
	}
	fix := "Correct the " + name + " URL"
	if ec.Endpoint != "" {
		fix += " (" + ec.Endpoint + ")"
	}
	spacePath := map[string]string{"token endpoint": "/oauth/token", "authorization endpoint": "/oauth/auth", "device authorization endpoint": "/oauth/device"}[ec.EndpointName]
	field := map[string]string{
		"token endpoint": "token_endpoint", "authorization endpoint": "authorization_endpoint", "device authorization endpoint": "device_authorization_endpoint",
		"introspection endpoint": "introspection_endpoint", "revocation endpoint": "revocation_endpoint", "userinfo endpoint": "userinfo_endpoint", "key set": "jwks_uri",
	}[ec.EndpointName]
	preset, isPreset := PresetOf(ec.Family)
	templ := map[string]string{"token endpoint": preset.TokenURL, "authorization endpoint": preset.AuthURL, "device authorization endpoint": preset.DeviceURL}[ec.EndpointName]
	switch v := voiceOf(ec.Family); {
	case v == voiceSpace && spacePath != "":
		return fix + ": Space's is the service URL followed by " + spacePath + "."
	case v == voiceBuiltin && spacePath != "":
		return fix + ": the built-in server's is its address followed by " + spacePath + "."
	case isPreset && templ != "":
		return fix + ": " + preset.Name + "'s is " + templ + "."
	case field != "":
		return fix + ": the server's discovery document (at the issuer's /.well-known/openid-configuration or /.well-known/oauth-authorization-server) names it " + field + "; or let the profile use discovery."
	}
	return fix + "."
}

func explainAnswer(ae *AnswerError, ec ExplainContext) *Diagnosis {
	d := &Diagnosis{Raw: termsafe.Line(ae.Error()), Refs: "RFC 6749 §5.1 · §5.2"}
	name := cmp.Or(ec.EndpointName, "OAuth endpoint")
	at := cmp.Or(ec.Endpoint, "The URL")
	if ae.URL != "" && ae.URL != ec.Endpoint {
		at += " (redirected to " + ae.URL + ")"
	}
	notIt := "This URL is not " + article(name) + ": " + at
	status := fmt.Sprintf("HTTP %d", ae.Status)
	switch {
	case ec.isResource() && ae.Status == 401:
		d.Fix = "Get a new access token (refresh it, or run the flow again), and check that it is meant for this API."
		d.Cause = "The API at " + at + " did not accept the access token (HTTP 401) and gave no error code."
		d.Refs = "RFC 6750 §3.1"
	case ec.isResource() && ae.Status == 403:
		d.Fix = permissionDenied(ec, "").fix
		d.Cause = "The API at " + at + " refused: the token is valid but may not do this (HTTP 403)."
		d.Refs = "RFC 6750 §3.1"
	case ec.isResource() && ae.Status == 404:
		d.Fix = "Check the path of the call and the API base URL."
		d.Cause = "The API has nothing at " + at + " (HTTP 404)."
		d.Refs = ""
	case ec.isResource() && ae.Status >= 400:
		d.Fix = "Read the API's answer in the exchange below; change the call to what the API documents."
		d.Cause = "The API at " + at + " refused the call with " + status + " and gave no error code."
		d.Refs = ""
	case ae.Status >= 500:
		d.Fix = "Wait a moment and try again; if it persists, the server's administrators need to look (the answer below may say more)."
		d.Cause = "The server failed: " + at + " answered " + status + " with " + string(ae.Body) + ", not an OAuth error."
		if ae.Body == BodyNoCode {
			d.Cause = "The server failed: " + at + " answered " + status + " without an OAuth error."
		}
	case ae.Body == BodyHTML:
		d.Fix = ec.correctURL() + " If a login page answered, a sign-in or a proxy stands in front of the server: use an address that reaches it directly."
		d.Cause = notIt + " answered " + status + " with a web page (a login page, a proxy's page or the site itself), where " + article(name) + " answers with JSON." + ec.discoverySays()
	case ae.Status == 404:
		d.Fix = ec.correctURL()
		d.Cause = notIt + " answered 404 Not Found." + ec.discoverySays()
	case ae.Status == 405:
		d.Fix = ec.correctURL()
		d.Cause = notIt + " answered 405 Method Not Allowed: it refuses the HTTP method that " + article(name) + " takes." + ec.discoverySays()
	case ae.Status == 401 || ae.Status == 403:
		d.Fix = invalidClient(ec, "").fix
		d.Cause = "The server at " + at + " refused with " + status + " but gave no OAuth error code, so it did not say why; most often the client's credentials are wrong or sent the wrong way." + ec.discoverySays()
	case ae.Status >= 300 && ae.Status < 400:
		d.Fix = ec.correctURL()
		d.Cause = at + " answered with a redirect (" + status + ") that authplay does not follow: " + article(name) + " answers directly." + ec.discoverySays()
	case ae.Status >= 400:
		d.Fix = "Check that " + cmp.Or(ec.Endpoint, "the URL") + " is the " + name + "; if it is, the answer below may say what the server disliked."
		if ec.Advertised != "" && ec.Advertised != ec.Endpoint {
			d.Fix = ec.correctURL()
		}
		d.Cause = at + " answered " + status + " without an OAuth error code: it may not be " + article(name) + ", or the server does not follow RFC 6749 §5.2." + ec.discoverySays()
	case ae.Body == BodyUnusable:
		d.Fix = "Check that " + cmp.Or(ec.Endpoint, "the URL") + " is the " + name + "; if it is, the server does not follow the standard here, and its administrators need to see the answer below."
		d.Cause = "The " + name + " at " + at + " answered " + status + ", but not as the standard requires: " + termsafe.Line(ae.msg) + "."
	default: // a success with an empty or unreadable body
		d.Fix = ec.correctURL()
		d.Cause = notIt + " answered " + status + " with " + string(ae.Body) + ", where " + article(name) + " answers with JSON." + ec.discoverySays()
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
	var invalidErr x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var opErr *net.OpError
	var urlErr *url.Error
	var redirErr *wire.RedirectRefusedError
	var discErr *DiscoveryError
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
	case errors.As(err, &uaErr) || errors.As(err, &hostErr) || errors.As(err, &invalidErr):
		d.Fix = "Use the server's real https address, or trust its certificate authority: give its CA certificate as --ca-file (a profile's ca_file), or add it to your system store."
		d.Cause = "The TLS certificate of " + host + " could not be verified: " + termsafe.Line(unwrapURLError(err).Error()) + "."
	case errors.As(err, &recordErr):
		d.Fix = "Use http:// for " + host + ", or the port where it speaks https."
		d.Cause = host + " does not speak TLS at that port: it answered an https request in plain text."
	case errors.Is(err, wire.ErrBodyTooLarge):
		d.Fix = "Check the endpoint URL: no OAuth endpoint sends this much."
		d.Cause = "The response is larger than 1 MiB."
	case errors.As(err, &redirErr):
		d.Fix = "Point authplay at " + redirErr.From + "'s final address on the same server, or ask why it sends clients to " + wire.Origin(redirErr.To) + "."
		d.Cause = "The endpoint redirected a request that carries credentials to another origin. Following it would hand the client secret, password or token to a server you did not configure, so authplay stopped."
		d.Refs = "RFC 9700 §4.11"
	case strings.Contains(err.Error(), "redirects in a loop"):
		d.Fix = "Use the endpoint's final address (often https instead of http, or with or without a trailing slash)."
		d.Cause = "The endpoint keeps redirecting."
	case errors.Is(err, wire.ErrPlainHTTP):
		d.Fix = "Use the server's https address, or run without --strict to send over plain http anyway."
		d.Cause = "authplay would have sent credentials over plain http to another machine, which --strict forbids."
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		d.Fix = "Try again; if it happens again, check " + host + " and any proxy in between."
		d.Cause = "The connection to " + host + " closed before a whole answer came."
	case errors.As(err, &opErr):
		d.Fix = "Check the URL " + host + " and your network."
		d.Cause = "A network error: " + opErr.Op + " to " + host + " failed (" + termsafe.Line(opErr.Err.Error()) + ")."
	case errors.As(err, &urlErr):
		d.Fix = "Check the URL " + host + " and your network."
		d.Cause = "The request could not be sent: " + termsafe.Line(unwrapURLError(err).Error()) + "."
	case errors.As(err, &discErr) && discErr.Found:
		d.Fix = "Tell the server's operator its discovery document is wrong, or give the endpoints yourself (a profile with explicit endpoints; --token-url, --auth-url) instead of the issuer."
		d.Cause = "The server's discovery document was found but cannot be used: " + termsafe.Line(discErr.Err.Error()) + "."
		d.Refs = "OpenID Connect Discovery §4, RFC 8414 §3"
	case errors.As(err, &discErr):
		d.Fix = "Check the issuer URL: it must be the issuer exactly as the server names it (its document is at ISSUER/.well-known/openid-configuration); or give the endpoints yourself (--token-url, --auth-url) if the server publishes none."
		d.Cause = "Neither well-known place held a discovery document: " + termsafe.Line(discErr.Err.Error()) + "."
		d.Refs = "OpenID Connect Discovery §4, RFC 8414 §3"
	case ec.EndpointName == "redirect URI":
		d.Fix = "Start the flow again; if it happens again, check the redirect URI (a loopback address on a free port, registered with the server), or paste the URL the browser ended on."
		d.Cause = "Receiving the browser's redirect at " + cmp.Or(ec.Endpoint, "the redirect URI") + " went wrong: " + termsafe.Line(err.Error()) + "."
	default:
		d.Fix = "Look at the cause: if the request looks right, the server's logs will say more."
		d.Cause = "authplay could not finish the step: " + termsafe.Line(err.Error()) + "."
	}
	return d
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
