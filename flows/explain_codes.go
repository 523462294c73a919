package flows

import (
	"slices"
	"strings"
)

// Advice for each OAuth 2.0 error code (RFC 6749 §4.1.2.1, §5.2; RFC 8628
// §3.5; RFC 6750 §3.1) and Space's API codes, fitted to the grant that
// failed and spoken in the family's words: Space's screens, the built-in
// server's demo registrations, a preset's console, or the standard
// concepts every server has.

type advice struct{ fix, cause, refs string }

// codeAdvice maps each code authplay knows to its advice.
var codeAdvice = map[string]func(ec ExplainContext, desc string) advice{
	"invalid_client":            invalidClient,
	"unauthorized_client":       unauthorizedClient,
	"invalid_scope":             invalidScope,
	"invalid_grant":             invalidGrant,
	"access_denied":             accessDenied,
	"unsupported_grant_type":    unsupportedGrantType,
	"unsupported_response_type": unsupportedResponseType,
	"permission-denied":         permissionDenied,
	"insufficient_scope":        insufficientScope,
	"invalid_request_uri":       invalidRequestURI,
	"invalid_request_object":    invalidRequestObject,
	"unsupported_token_type":    unsupportedTokenType,
	"invalid_target":            invalidTarget,
	"invalid_request": func(ExplainContext, string) advice {
		return advice{"Correct the parameter the server names; if it names none, compare the request below with the flow's specification.",
			"The request is malformed: a parameter is missing, repeated or not allowed.", "RFC 6749 §5.2"}
	},
	"expired_token": func(ExplainContext, string) advice {
		return advice{"Start the device flow again and enter the new code sooner.", "The device code expired before the user approved it.", "RFC 8628 §3.5"}
	},
	"invalid_dpop_proof":      dpopCodeAdvice("invalid_dpop_proof"),
	"use_dpop_nonce":          dpopCodeAdvice("use_dpop_nonce"),
	"authorization_pending":   stillWaiting,
	"slow_down":               stillWaiting,
	"temporarily_unavailable": serverTrouble,
	"server_error":            serverTrouble,
	"authentication-required": func(ExplainContext, string) advice {
		return advice{"Get a new access token (refresh it, or run the flow again).", "The API did not accept the token.", ""}
	},
	"invalid_token": func(ExplainContext, string) advice {
		return advice{"Get a new access token (refresh it, or run the flow again), and check that it is meant for this API.",
			"The API did not accept the access token: it has expired, was revoked, or was issued for another audience.", "RFC 6750 §3.1"}
	},
}

// knownErrorCodes lists the error codes the explainer has advice for.
func knownErrorCodes() []string {
	var out []string
	for c := range codeAdvice {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func explainCode(code, desc, raw string, ec ExplainContext) *Diagnosis {
	d := &Diagnosis{Code: code, Raw: raw}
	server := ""
	if desc != "" {
		server = " The server said: " + desc + "."
	}
	explain, ok := codeAdvice[code]
	if !ok {
		d.Fix = "Read the server's description below; the code is not one authplay knows."
		d.Cause = "The server refused the request with " + code + "." + server
		return d
	}
	a := explain(ec, desc)
	d.Fix, d.Cause, d.Refs = a.fix, a.cause+server, a.refs
	return d
}

// spaceScreen is where a setting lives in Space, per its registration guide.
func spaceScreen(client, tab string) string {
	return "in Space: Extensions › Installed › " + orQuote(client) + " › " + tab
}

// grantName is the grant_type of a method, as a server's settings name it.
func grantName(m Method) string {
	switch m {
	case DeviceCode:
		return deviceGrant
	case Implicit:
		return "implicit (response type token)"
	case PermanentToken, "":
		return "this flow's grant type"
	case TokenExchange:
		return grantTokenExchange
	case JWTBearer:
		return grantJWTBearer
	}
	return string(m)
}

func isDemoClient(id string) bool { return slices.Contains(demoClients, id) }

func invalidClient(ec ExplainContext, desc string) advice {
	if a, ok := certificateRefusal(ec, desc); ok {
		return a
	}
	if a, ok := assertionRefusal(ec, desc); ok {
		return a
	}
	a := advice{cause: "The server did not recognise the client, or its secret is wrong, or the secret came in a way the server does not take.", refs: "RFC 6749 §2.3.1 · §5.2"}
	switch voiceOf(ec.Family) {
	case voiceSpace:
		a.fix = "Check the client ID and secret (" + spaceScreen(ec.ClientID, "Authentication") + "), and send them with HTTP Basic, which Space expects."
	case voiceBuiltin:
		a.fix = "Use a client the built-in server knows: " + demoApp + " with the secret the demo profile holds (the README lists it; HTTP Basic or in the body), or " + demoPublic + " with no secret (client authentication none, PKCE on)."
		if ec.ClientID != "" && !isDemoClient(ec.ClientID) {
			a.fix = "The built-in server has no client " + ec.ClientID + ". " + a.fix
		}
	default:
		a.fix = "Check the client ID (" + orQuote(ec.ClientID) + ") and secret against the client's registration" + inConsole(ec.Family) +
			", and the client authentication style: a server takes the secret in an HTTP Basic header (client_secret_basic) or in the form body (client_secret_post), as its discovery document's token_endpoint_auth_methods_supported lists."
	}
	return a
}

func unauthorizedClient(ec ExplainContext, desc string) advice {
	if strings.Contains(strings.ToLower(desc), "redirect") {
		a := advice{cause: "A server sends the browser only to addresses registered for the client, so a code can never land somewhere else.", refs: "RFC 6749 §3.1.2"}
		switch voiceOf(ec.Family) {
		case voiceSpace:
			a.fix = "Add " + orQuote(ec.RedirectURI) + " to the application's redirect URIs (" + spaceScreen(ec.ClientID, "Authentication › Redirect URIs") + "), or use one that is already listed."
		case voiceBuiltin:
			a.fix = "Use a redirect URI the built-in server's registrations list: " + demoRedirects + " (" + demoApp + " and " + demoPublic + " take them all)."
		default:
			a.fix = "Add " + orQuote(ec.RedirectURI) + " to the registered redirect URIs of client " + orQuote(ec.ClientID) + inConsole(ec.Family) +
				", or use one already registered. A server that follows RFC 8252 §7.3 takes any port on a loopback address; others want the port registered too."
		}
		return a
	}
	if voiceOf(ec.Family) == voiceSpace && spaceLacks(ec.Method) {
		return grantNotInSpace(ec)
	}
	a := advice{cause: "The client is not allowed to use this flow.", refs: "RFC 6749 §5.2"}
	switch voiceOf(ec.Family) {
	case voiceSpace:
		a.fix = "Enable this flow for the application (" + spaceScreen(ec.ClientID, "Authentication: tick the flow's checkbox") + ")."
	case voiceBuiltin:
		a.fix = "Use " + demoApp + ", which has every flow on. The built-in server's other registrations each leave something out to show an error: " +
			demoNoCodeFlow + " has no Authorization Code, " + demoPublic + " no Client Credentials."
	default:
		a.fix = "Add " + grantName(ec.Method) + " to the client's allowed grant types (client " + orQuote(ec.ClientID) + ")" + inConsole(ec.Family) + "."
	}
	return a
}

func invalidScope(ec ExplainContext, desc string) advice {
	a := advice{cause: "The scope asks for more than the client may have, or names a scope the server does not know.", refs: "RFC 6749 §3.3"}
	project := strings.Contains(desc, "project")
	switch v := voiceOf(ec.Family); {
	case v == voiceSpace && project:
		a.fix = "Authorize the application in that project (" + spaceScreen(ec.ClientID, "Authorization › Projects") + "; a project administrator approves the rights)."
	case v == voiceSpace:
		a.fix = "Ask only for rights the application holds: request them and have an administrator approve them (" + spaceScreen(ec.ClientID, "Authorization: request rights, then approve them globally or per project") + "), or send scope ** for everything it has."
	case v == voiceBuiltin && project:
		a.fix = "Use " + demoApp + ", which is authorized in every project; " + demoNotInProject + " is not authorized in project DEMO, on purpose."
	case v == voiceBuiltin:
		a.fix = "Use " + demoApp + " or " + demoPublic + ", which hold every right, with scope ** (or none); " + demoPending + " and " + demoNoRights + " have no approved rights, on purpose."
	default:
		a.fix = "Ask only for scopes the server knows and client " + orQuote(ec.ClientID) + " may request (you asked for " + scopeOr(ec.Scope) + "): compare with the client's allowed scopes" +
			inConsole(ec.Family) + " and, when discovery lists scopes_supported, with that list."
		if p, ok := PresetOf(ec.Family); ok && p.Scope != "" {
			a.fix += " " + p.Name + " takes " + p.Scope + " out of the box."
		}
	}
	return a
}

func invalidGrant(ec ExplainContext, desc string) advice {
	v := voiceOf(ec.Family)
	switch ec.Method {
	case Password:
		a := advice{cause: "The server did not accept the user's name and password.", refs: "RFC 6749 §4.3.2 · §5.2"}
		switch v {
		case voiceBuiltin:
			a.fix = "Sign in as one of the built-in server's users: " + demoUsers + "."
		case voiceSpace:
			a.fix = "Check the Space username and password, and that the account signs in with a password: the password grant cannot pass through another login provider or a second factor."
		default:
			a.fix = "Check the username and password, and that the account can sign in with a password alone (no second factor, no external login). If they are right, the password grant may be switched off for client " +
				orQuote(ec.ClientID) + inConsole(ec.Family) + "."
		}
		return a
	case RefreshToken:
		clause, habit := askForRefreshToken(ec.Family)
		a := advice{cause: "The refresh token was revoked, has expired, was issued to another client, or was already traded for a newer one (rotation).", refs: "RFC 6749 §6 · RFC 9700 §4.14"}
		a.fix = "Get a new refresh token: run Authorization Code again" + clause + "."
		if v == voiceBuiltin {
			a.fix = "Get a new refresh token: run Authorization Code again with " + demoApp + clause + ", signed in as " + demoUsers + "."
		}
		if habit != "" {
			a.fix += " " + habit
		}
		a.fix += " When the server rotates refresh tokens, only the newest one works."
		return a
	case DeviceCode:
		a := advice{fix: "Start the device flow again for a new device code and user code.", cause: "The device code is unknown to the server, was issued to another client, or was already used.", refs: "RFC 8628 §3.5"}
		if v == voiceBuiltin {
			a.fix += " " + demoApp + " and " + demoPublic + " have the device flow on."
		}
		return a
	case ClientCredentials:
		a := advice{cause: "The server refused the client's own grant.", refs: "RFC 6749 §4.4 · §5.2"}
		switch v {
		case voiceBuiltin:
			a.fix = "Use " + demoApp + " with the secret the demo profile holds (the README lists it)."
		case voiceSpace:
			a.fix = "Check that the application may use Client Credentials (" + spaceScreen(ec.ClientID, "Authentication") + ")."
		default:
			a.fix = "Check that client " + orQuote(ec.ClientID) + " may use client_credentials and that its secret is current" + inConsole(ec.Family) + "."
		}
		return a
	case TokenExchange, JWTBearer:
		return grantRefused(ec, desc)
	case AuthorizationCode:
		return advice{
			fix:   "Start the flow again for a fresh code: a code works once and for a short time, and is redeemed with the same redirect_uri and the PKCE code_verifier of the same attempt.",
			cause: "The code was already used, has expired, was issued to another client, or the redirect URI or PKCE verifier does not match the authorization request.",
			refs:  "RFC 6749 §4.1.3 · §5.2 · RFC 7636 §4.6",
		}
	}
	return advice{
		fix:   "Start the flow again for a fresh grant: codes work once and for a short time, refresh tokens stop working when revoked, and a user's password may have changed.",
		cause: "The code, refresh token or user credentials sent are no longer valid for this client.",
		refs:  "RFC 6749 §5.2",
	}
}

func accessDenied(ec ExplainContext, desc string) advice {
	v := voiceOf(ec.Family)
	switch ec.Method {
	case Password:
		a := advice{cause: "The server refused this user for this client. The password grant shows the user nothing to approve, so the refusal is the server's rule.", refs: "RFC 6749 §5.2"}
		switch v {
		case voiceBuiltin:
			a.fix = "Sign in as one of the built-in server's users: " + demoUsers + "."
		case voiceSpace:
			a.fix = "Check that the Space account is active and may use the application, and that its rights are approved (" + spaceScreen(ec.ClientID, "Authorization") + ")."
		default:
			a.fix = "Check that the account is enabled and may use client " + orQuote(ec.ClientID) + ", and that the password grant is allowed for it" + inConsole(ec.Family) + "."
		}
		return a
	case ClientCredentials:
		a := advice{cause: "The server refused the client itself.", refs: "RFC 6749 §5.2"}
		switch v {
		case voiceBuiltin:
			a.fix = "Use " + demoApp + " with the secret the demo profile holds (the README lists it)."
		case voiceSpace:
			a.fix = "Check that the application is enabled and its rights approved (" + spaceScreen(ec.ClientID, "Authorization") + ")."
		default:
			a.fix = "Check that client " + orQuote(ec.ClientID) + " is enabled and allowed client_credentials" + inConsole(ec.Family) + "."
		}
		return a
	case DeviceCode:
		a := advice{fix: "Start the device flow again, and approve it on the verification page.", cause: "The user declined on the verification page, or the server declined for them.", refs: "RFC 8628 §3.5"}
		if v == voiceBuiltin {
			a.fix = "Start the device flow again, sign in on the verification page as " + demoUsers + ", and approve."
		}
		return a
	}
	a := advice{cause: "The user, or the server on the user's behalf, refused the request.", refs: "RFC 6749 §4.1.2.1"}
	switch v {
	case voiceBuiltin:
		a.fix = "Try again: sign in as " + demoUsers + ", and press Accept."
	case voiceSpace:
		a.fix = "Try again and press Accept on Space's page, or sign in as a member who may grant this."
		if strings.Contains(desc, "silent") {
			a.fix += " With request_credentials=silent, Space refuses when nobody is signed in: sign in first, or use default."
		}
	default:
		a.fix = "Try again and approve on the server's consent page, or sign in as a user who may use client " + orQuote(ec.ClientID) + inConsole(ec.Family) + "."
	}
	return a
}

func unsupportedGrantType(ec ExplainContext, _ string) advice {
	a := advice{cause: "The server does not implement this grant type.", refs: "RFC 6749 §5.2"}
	switch voiceOf(ec.Family) {
	case voiceSpace:
		a.fix = "Pick a flow Space offers: Client Credentials, Authorization Code, Password or Refresh Token (Space has no device flow)."
	case voiceBuiltin:
		a.fix = "The built-in server offers every flow authplay has, all on for " + demoApp + ": check the grant_type in the request below (an edit may have changed it)."
	default:
		a.fix = "Pick a flow this server supports: its discovery document lists grant_types_supported" + inConsole(ec.Family) + "."
	}
	return a
}

func unsupportedResponseType(ec ExplainContext, _ string) advice {
	a := advice{cause: "The server does not offer this response type.", refs: "RFC 6749 §4.1.2.1"}
	switch voiceOf(ec.Family) {
	case voiceSpace:
		a.fix = "Use Authorization Code (response_type=code): Space refuses the implicit flow for applications created since it was deprecated."
	case voiceBuiltin:
		a.fix = "Use Authorization Code (response_type=code); the built-in server keeps the implicit flow (token) for " + demoApp + " only."
	default:
		a.fix = "Use a response type the server lists in its discovery document's response_types_supported; response_type=code (Authorization Code) is the one every server offers."
	}
	return a
}

func permissionDenied(ec ExplainContext, _ string) advice {
	a := advice{cause: "The token is valid but may not do this."}
	switch voiceOf(ec.Family) {
	case voiceSpace:
		a.fix = "Grant the right the call needs: request it (" + spaceScreen(ec.ClientID, "Authorization") + ") and have it approved, then get a new token; for user resources use a flow in which a user signs in."
	case voiceBuiltin:
		a.fix = "Use " + demoApp + " or " + demoPublic + " with scope **: they hold every right (" + demoPending + " and " + demoNoRights + " have none approved, on purpose). For a user's resources, use a flow in which a user signs in."
	default:
		a.fix = "Ask for the scope the call needs" + inConsole(ec.Family) + " and get a new token; for a user's resources, use a flow in which a user signs in."
	}
	return a
}

func insufficientScope(ec ExplainContext, desc string) advice {
	a := permissionDenied(ec, desc)
	a.cause, a.refs = "The token is valid but lacks the scope this call needs; the API's error or its WWW-Authenticate header may name it.", "RFC 6750 §3.1"
	return a
}

func serverTrouble(ExplainContext, string) advice {
	return advice{"Wait a moment and try again; if it persists, the server's administrators need to look.", "The server had a problem of its own.", "RFC 6749 §5.2"}
}

func stillWaiting(ExplainContext, string) advice {
	return advice{"Keep waiting: the user has not finished yet.", "The device flow is still waiting for the user.", "RFC 8628 §3.5"}
}
