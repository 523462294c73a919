package flows

import "strings"

// Advice for the refusals of the two grants that trade something the
// client holds: a token (token exchange, RFC 8693 §2.2.2) and a signed
// assertion (JWT bearer, RFC 7523 §3.1). A server says in its
// error_description what it disliked; the advice follows that, in the
// family's words.

// spaceLacks says whether Space has no such grant: the built-in server
// offers it, labelled, so it can be learnt.
func spaceLacks(m Method) bool { return m == TokenExchange || m == JWTBearer }

// grantNotInSpace is the advice for a Space that refuses a grant it does
// not have.
func grantNotInSpace(ec ExplainContext) advice {
	return advice{
		fix: "Space has no " + ec.Method.Info().Title + " grant, so there is nothing to turn on " + spaceScreen(ec.ClientID, "Authentication") +
			". Try it against the built-in server (authplay --demo), where " + demoApp + " has it.",
		cause: "The server does not let this client use the grant.", refs: "RFC 6749 §5.2",
	}
}

// asBuiltin says a fix in the built-in server's words, for the family that
// speaks them, and for Space: Space lacks these grants, so a
// Space-compatible server that answers for one is the built-in server.
func asBuiltin(ec ExplainContext, fix string) (string, bool) {
	switch voiceOf(ec.Family) {
	case voiceBuiltin:
		return fix, true
	case voiceSpace:
		return "Space itself has no " + ec.Method.Info().Title + " grant; authplay's built-in server, which speaks Space's protocol, has it: " + fix, true
	}
	return "", false
}

func unsupportedTokenType(ec ExplainContext, _ string) advice {
	a := advice{cause: "The server does not take the subject or actor token as the type it was sent as: it cannot read that kind of token, or will not exchange it.", refs: "RFC 8693 §2.2.2 · §3"}
	a.fix = "Choose the type the token really is, and one the server exchanges" + inConsole(ec.Family) + ": many servers take only access tokens (urn:ietf:params:oauth:token-type:access_token)."
	if fix, ok := asBuiltin(ec, "exchange what it reads: its access tokens (type access token), ID tokens issued to "+demoApp+" (ID token) or either as JWT. A refresh token stays with the client it was issued to."); ok {
		a.fix = capitalize(fix)
	}
	return a
}

func invalidTarget(ec ExplainContext, _ string) advice {
	a := advice{cause: "The server will not issue a token for the audience or resource asked for: it does not know it, or this client may not get tokens for it.", refs: "RFC 8693 §2.2.2 · RFC 8707 §2"}
	a.fix = "Ask for an audience or resource the server knows and lets client " + orQuote(ec.ClientID) + " get tokens for" + inConsole(ec.Family) + "; leave both empty to see what the server gives by default."
	if fix, ok := asBuiltin(ec, "name an audience it knows, one of its client IDs ("+demoPublic+", for instance) or its own URL; a resource must be a URL under the server's own (its API, /api/http). Or leave both empty: the token is then for "+demoApp+"."); ok {
		a.fix = capitalize(fix)
	}
	return a
}

// grantRefused is invalid_grant for the two grants: what the server
// disliked about the token or the assertion, by its description.
func grantRefused(ec ExplainContext, desc string) advice {
	if ec.Method == JWTBearer {
		return assertionRefused(ec, strings.ToLower(desc))
	}
	if d := strings.ToLower(desc); strings.Contains(d, "bound") || strings.Contains(d, "cnf") {
		return advice{
			fix:   "Exchange a token that is not bound to a key (a Bearer token, got without DPoP or a client certificate).",
			cause: "The subject token is bound to a key (cnf), and a token exchange proves no possession of that key, so the server will not trade it.",
			refs:  "RFC 8693 §2.2.2 · RFC 9449 §6",
		}
	}
	a := advice{cause: "The server does not accept the subject token (or the actor token) now: it has expired or been revoked, another server issued it, or it is not what its type says.", refs: "RFC 8693 §2.2.2"}
	a.fix = "Get a fresh subject token from the server that issued it, choose the type that says what it is, and exchange it before it expires."
	if fix, ok := asBuiltin(ec, "get a fresh subject token from it (Client Credentials with "+demoApp+", or Password as "+demoUsers+") and exchange it within its ten minutes, with the type that says what it is."); ok {
		a.fix = capitalize(fix)
	}
	return a
}

// assertionRefused is invalid_grant for a JWT-bearer assertion.
func assertionRefused(ec ExplainContext, desc string) advice {
	a := advice{refs: "RFC 7523 §3 · §3.1"}
	builtin := ""
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(desc, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("no jti", "missing jti", "jti is missing"):
		a.cause = "The assertion has no jti, so the server cannot tell a replayed copy from a new one."
		a.fix = "Give the assertion a jti, unique for each assertion (a random string), and present it again."
	case has("jti") && has("already", "used", "replay", "seen"):
		a.cause = "The server has seen this assertion's jti before: an assertion is good for one token request, so a copy of it cannot be replayed."
		a.fix = "Make a new assertion for each request, with a fresh jti and a new exp, and present that one."
	case has("unsigned", "alg none", "hs256", "shared secret"):
		a.cause = "The assertion is unsigned, or signed with a shared secret: it must be signed with the issuer's private key, so that only the issuer can vouch for a user."
		a.fix = "Sign the assertion with the issuer's private key (RS256, PS256 or ES256)."
	case has("not an issuer", "trust", "untrusted", "unknown issuer"):
		a.cause = "The server does not trust the assertion's issuer (iss) for this client."
		a.fix = "Set iss to an issuer the server trusts for client " + orQuote(ec.ClientID) + ", or register the issuer and its public key with the server" + inConsole(ec.Family) + "."
		builtin = "set iss to " + demoApp + ", the issuer " + demoApp + " trusts, and sign with the key `authplay demo-server --print-client-key` prints."
	case has("signature", "signed by", "key"):
		a.cause = "The assertion's signature does not verify with any key the server holds for its issuer: it was signed with another private key, or names a kid the server does not have."
		a.fix = "Sign with the private key whose public half the server holds for the issuer, or register that public key (or the issuer's key set URL) with the server" + inConsole(ec.Family) + "."
		builtin = "sign with the demo key that `authplay demo-server --print-client-key` prints: " + demoApp + " trusts it for issuer " + demoApp + ", and no other key."
	case has("expire", "no exp", "at most", "nbf", "future", "timeframe", "short-lived"):
		a.cause = "The assertion is not valid now: it has expired, lives longer than the server allows, or is not valid yet (check both clocks)."
		a.fix = "Make a new assertion that expires a few minutes from now, with iat now."
		builtin = "make a new assertion that expires a few minutes from now (at most 10), with iat now."
	case has("aud", "audience"):
		a.cause = "The assertion is meant for another server: its aud does not name this one."
		a.fix = "Set aud to the token URL (" + orQuote(ec.Endpoint) + ") or to the server's issuer, and sign again."
	case has("sub", "user", "subject"):
		a.cause = "The assertion's sub does not name a user the server knows."
		a.fix = "Set sub to a user of the server, and sign again."
		builtin = "set sub to demo or alice, its users, and sign again."
	default:
		a.cause = "The server did not accept the assertion: its signature, issuer, subject, audience or times, or it was used before."
		a.fix = "Make a new assertion (a fresh jti and exp, aud the token URL, iss an issuer the server trusts, signed with that issuer's key) and present it."
		builtin = "make a new assertion: iss " + demoApp + ", sub demo or alice, aud the token URL, exp within 10 minutes and a fresh jti, signed with the key `authplay demo-server --print-client-key` prints."
	}
	if fix, ok := asBuiltin(ec, builtin); ok && builtin != "" {
		a.fix = capitalize(fix)
	}
	return a
}
