package flows

import "strings"

// Advice for refusals that involve DPoP (RFC 9449), each with its fix
// first and the reason servers refuse, in the family's words: the
// built-in server's registrations and switches, a preset's console, or
// the standard client setting (dpop_bound_access_tokens, RFC 9449 §5.2).

func explainDPoP(e *DPoPError, ec ExplainContext) *Diagnosis {
	a := dpopAdvice(e, ec)
	d := &Diagnosis{Code: e.Code, Raw: e.Error(), Fix: a.fix, Cause: a.cause, Refs: a.refs}
	if e.detail != "" {
		d.Cause += " " + e.detail
	}
	if e.Description != "" {
		d.Cause += " The server said: " + e.Description + "."
	}
	return d
}

// proofWindow is how long this family's server takes a proof, in words.
func proofWindow(f Family) string {
	if voiceOf(f) == voiceBuiltin {
		return "the built-in server takes a proof up to 60 s old, and 10 s ahead"
	}
	return "servers take a proof for a minute or less, with a few seconds' leeway for clocks"
}

// dpopSetting is where this family's server says a client must use DPoP.
func dpopSetting(ec ExplainContext) string {
	switch voiceOf(ec.Family) {
	case voiceBuiltin:
		return demoDPoP + " always wants proofs, and every registration does when the server runs with --require-dpop"
	case voiceSpace:
		return "this server wants proofs, which Space itself never asks for (it has no DPoP), so it is a Space-compatible server with DPoP, such as authplay's built-in one started with --require-dpop"
	}
	return "client " + orQuote(ec.ClientID) + " is set to want DPoP-bound tokens (dpop_bound_access_tokens)" + inConsole(ec.Family)
}

func dpopAdvice(e *DPoPError, ec ExplainContext) advice {
	switch e.situation {
	case dpopProofNeeded:
		return advice{fix: "Turn DPoP on (the DPoP field of the form, or --dpop for authplay token): " + dpopSetting(ec) + ".",
			cause: "The server refused a request without a DPoP proof: this client's tokens must be bound to a key of its own.", refs: "RFC 9449 §5.2 · §7.1"}
	case dpopStale:
		return advice{fix: "Set this computer's clock right: authplay signs each proof the moment it sends it, so a proof the server finds too old means this clock is behind the server's (" + proofWindow(ec.Family) + "). If the DPoP header came from your edit, remove it, and authplay signs a fresh one.",
			cause: "The server refused the DPoP proof as stale: a proof says when it was made (iat) and is taken only for a short while, so one captured on its way is soon worthless.", refs: "RFC 9449 §4.3 · §11.1"}
	case dpopOtherURL, dpopOtherMethod:
		what := "URL (htu)"
		if e.situation == dpopOtherMethod {
			what = "method (htm)"
		}
		return advice{fix: "Let authplay sign the proof: remove the DPoP header from your edit, and authplay makes one for the request as it goes. If authplay made it, something on the way changed the request (a proxy or load balancer that rewrites the address), and the server must check the URL the client used.",
			cause: "The server refused the DPoP proof: it names another " + what + " than the request's. A proof is good for one method and one URL, so a proof taken from a request to another endpoint cannot be used here.", refs: "RFC 9449 §4.2 · §4.3"}
	case dpopBadProof:
		return advice{fix: "Let authplay sign the proof (remove the DPoP header from your edit); if authplay signed it, the server's reason below says what it wants.",
			cause: "The server refused the DPoP proof itself.", refs: "RFC 9449 §4.3"}
	case dpopNonceExhausted:
		fix := "Run the step again. The server gave a nonce, authplay signed a new proof with it and sent the request once more, and the server asked for a nonce again: if that keeps happening, its nonces do not last from one request to the next (servers behind a load balancer that do not share them)."
		if voiceOf(ec.Family) == voiceBuiltin {
			fix += " The built-in server's nonces last 5 min, kept by each server process: two servers on one state directory do not share them."
		}
		return advice{fix: fix, cause: "The server answered use_dpop_nonce twice in a row; authplay retries once only, so as not to loop.", refs: "RFC 9449 §8 · §9"}
	case dpopNonceMissing:
		return advice{fix: "Tell the server's operators: with use_dpop_nonce, a server must send the nonce to use in a DPoP-Nonce header, and this one did not send one authplay could use.",
			cause: "The server wants a nonce of its own in every proof (use_dpop_nonce), so that proofs cannot be made in advance, but gave none to put in.", refs: "RFC 9449 §8 · §8.1"}
	case dpopNonceOwnProof:
		return advice{fix: "Remove the DPoP header from your edit: authplay then signs the proof itself, and retries with the server's nonce when it asks for one.",
			cause: "The server wants a nonce of its own in every proof (use_dpop_nonce). The proof was the one you wrote, so authplay neither changed it nor sent it again.", refs: "RFC 9449 §8"}
	case dpopBoundAsBearer:
		return advice{fix: "Send the token as Authorization: DPoP, with a proof signed by the key it is bound to: keep DPoP on for this session, which does so for a DPoP token, and do not change the scheme to Bearer in an edit.",
			cause: "The token is bound to a DPoP key (cnf.jkt) and came as a plain Bearer token. Refusing it is the point of binding: a copy of the token is useless to anyone without the private key.", refs: "RFC 9449 §7.1 · §6"}
	case dpopOtherKey:
		return advice{fix: "Use the token in the session that holds its key: a server takes it only with proofs signed by the key whose thumbprint is its cnf.jkt.",
			cause: "The proof was signed by another key than the one the token is bound to. To the server, this is someone with a copied token but not its key, and it refuses: that is the protection DPoP gives.", refs: "RFC 9449 §6 · §7.1"}
	case dpopUnboundAsDPoP:
		return advice{fix: "Send this token as Authorization: Bearer: it is not bound to a key (the server issued it without a proof).",
			cause: "The DPoP scheme is for tokens bound to a key.", refs: "RFC 9449 §7.1"}
	case dpopBoundRefresh:
		fix := "Refresh in the session that got the refresh token, with DPoP on: the server bound this public client's refresh token to that session's key, and a refresh with another key or none is refused."
		if voiceOf(ec.Family) == voiceBuiltin {
			fix += " " + demoDPoP + "'s and " + demoPublic + "'s refresh tokens are bound when issued with a proof; " + demoApp + "'s are not (its secret protects them)."
		}
		return advice{fix: fix, cause: "A public client's refresh token issued with a proof is bound to the proof's key, so a stolen refresh token is worth nothing without the key.", refs: "RFC 9449 §5"}
	}
	return advice{fix: "Read the server's reason below.", cause: "The server refused the request over DPoP.", refs: "RFC 9449"}
}

// dpopCodeAdvice covers the DPoP error codes when no more is known (a
// server that answered them where authplay sent no proof).
func dpopCodeAdvice(code string) func(ExplainContext, string) advice {
	return func(ec ExplainContext, desc string) advice {
		sit := dpopBadProof
		switch {
		case code == "use_dpop_nonce":
			sit = dpopNonceMissing
		case strings.Contains(strings.ToLower(desc), "must send a dpop proof"):
			sit = dpopProofNeeded
		}
		return dpopAdvice(&DPoPError{OAuthError: &OAuthError{Code: code}, situation: sit}, ec)
	}
}
