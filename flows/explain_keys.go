package flows

import "strings"

// Why a server refused a client assertion (RFC 7523 §3, §3.1: always
// invalid_client), told from its error_description: a wrong key, a copy of
// one already used, a secret too short for HS256, a registration that
// does not allow the method, an audience or a time out of bounds. The
// built-in server names each reason; other servers often say less, and the
// advice then covers every cause in turn.

const (
	demoJWTApp  = "demo-jwt-app"
	demoMTLSApp = "demo-mtls-app"
)

// demoKeyWords say where the built-in server's trusted key comes from.
const demoKeyWords = "save what authplay demo-server --print-client-key prints (to client-key.pem, say) and give that file as the private key file"

// assertionRefusal is the advice for an invalid_client that is about a
// client assertion or the authentication method, if desc says it is.
func assertionRefusal(ec ExplainContext, desc string) (advice, bool) {
	d := strings.ToLower(desc)
	builtin := voiceOf(ec.Family) == voiceBuiltin
	switch {
	case strings.Contains(d, "jti") && containsAny(d, "already used", "replay", "reused", "seen before"):
		a := advice{
			cause: "The server has seen this assertion's jti before. A client assertion is good for one request, so that a copy captured on the way cannot be sent again.",
			fix:   "Send a new assertion: authplay signs a fresh one, with a new jti, for every request, unless an edit put an assertion in by hand. Undo that edit (or run the step again).",
			refs:  "RFC 7523 §3 · RFC 7521 §5.2",
		}
		return a, true
	case containsAny(d, "too short", "32 bytes", "shorter than"):
		a := advice{
			cause: "An HS256 key must be at least as long as its hash, 32 bytes (RFC 7518 §3.2): a shorter client secret makes client_secret_jwt assertions that are too easy to forge, so the server refuses them.",
			fix:   "Use a client secret of 32 bytes or more for client_secret_jwt, or private_key_jwt, which needs no shared secret.",
			refs:  "RFC 7518 §3.2 · RFC 7523 §2.2",
		}
		if builtin {
			a.fix = "Use " + demoJWTApp + " with its own 32-byte secret (the banner of authplay demo-server shows it) for client_secret_jwt; " + demoApp + "'s 11-byte secret is too short. Or use private_key_jwt with " + demoJWTApp + " (" + demoKeyWords + ")."
		}
		return a, true
	case containsAny(d, "kid", "not a key registered", "no registered", "signature", "wrong key", "key that is not registered"):
		a := advice{
			cause: "The assertion's signature does not check out with any key the server holds for the client: it was signed with another key, or its kid names a key the server does not know.",
			fix: "Sign with the private key whose public half is registered for client " + orQuote(ec.ClientID) + inConsole(ec.Family) +
				": register the public JWK `authplay keygen` printed for your key, or give --private-key-file the registered key. A Key ID must be the kid the key is registered under; leave it empty to name none.",
			refs: "RFC 7523 §3 · OIDC Core §9",
		}
		if builtin {
			a.fix = "Sign with the key the built-in server trusts for " + demoJWTApp + ": " + demoKeyWords + ". Leave Key ID empty, or give the key's RFC 7638 thumbprint, the kid it is registered under."
		}
		return a, true
	case containsAny(d, "is not registered for", "not allowed to use", "authentication method") && containsAny(d, "private_key_jwt", "client_secret_", "tls_client_auth", "none"):
		a := advice{
			cause: "The client is registered to authenticate in another way than this request did: a server takes from each client only the methods its registration names (token_endpoint_auth_method).",
			fix:   "Choose the client auth the registration names, or change the registration" + inConsole(ec.Family) + ".",
			refs:  "RFC 7591 §2 · OIDC Core §9",
		}
		if builtin {
			a.fix = "Match the registration: " + demoJWTApp + " authenticates only with private_key_jwt (" + demoKeyWords + ") or client_secret_jwt (with its own 32-byte secret); " +
				demoApp + " sends its secret (basic or body); " + demoMTLSApp + " uses a TLS client certificate."
		}
		return a, true
	case strings.Contains(d, "aud"):
		return advice{
			cause: "The assertion's aud names another server than the one it was sent to; a server must refuse an assertion meant for someone else, or it could be replayed across servers.",
			fix:   "Keep aud the token endpoint's URL (authplay's default) or the issuer; check the profile's token URL is the server's own.",
			refs:  "RFC 7523 §3",
		}, true
	case containsAny(d, "exp", "iat", "nbf", "ahead", "in the future", "expired"):
		return advice{
			cause: "The assertion's times are out of bounds: expired, too long-lived, or dated in the future by the server's clock.",
			fix:   "Check this machine's clock against the server's (a few seconds apart is tolerated); authplay signs each assertion as it is sent, good for 5 minutes.",
			refs:  "RFC 7523 §3",
		}, true
	case containsAny(d, "assertion"):
		return advice{
			cause: "The server did not accept the client assertion.",
			fix:   "Compare the decoded assertion in the step with the server's requirements: iss and sub the client_id, aud the token endpoint, a fresh jti, exp soon, signed with the registered key.",
			refs:  "RFC 7523 §3",
		}, true
	}
	return advice{}, false
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
