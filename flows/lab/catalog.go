package lab

// catalog is every experiment, in the order a learner meets them: the
// code and its PKCE binding first, then redirect URIs, then tokens, then
// authplay's own defences. The ids are fixed; scripts select by them.
var catalog = []Experiment{
	{
		ID: "code-replay", Title: "Redeem one authorization code twice", SignIn: true,
		Tries:   "authplay trades a code for tokens, then sends the very same code again, as someone who copied it on its way would.",
		Defence: "The server refuses the second redemption (invalid_grant) and should also revoke the tokens the code already bought.",
		RFC:     "RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5",
		run:     codeReplay,
	},
	{
		ID: "pkce-missing-verifier", Title: "Leave out the PKCE verifier", SignIn: true,
		Tries:   "The authorization request carries a PKCE challenge; the token request then leaves out code_verifier, as a thief holding only the code would.",
		Defence: "The server remembers the challenge and refuses the code without its verifier (invalid_grant).",
		RFC:     "RFC 7636 §4.4-4.6",
		run:     pkceMissingVerifier,
	},
	{
		ID: "pkce-wrong-verifier", Title: "Send a wrong PKCE verifier", SignIn: true,
		Tries:   "The token request carries a code_verifier that does not hash to the challenge the authorization request sent.",
		Defence: "invalid_grant: only the client that made the challenge knows the verifier behind it.",
		RFC:     "RFC 7636 §4.6",
		run:     pkceWrongVerifier,
	},
	{
		ID: "pkce-downgrade", Title: "Strip the PKCE challenge, keep the verifier", SignIn: true,
		Tries:   "The authorization request carries no code_challenge, as if an attacker had removed it on the way; the token request still sends a code_verifier.",
		Defence: "A verifier for a code that had no challenge betrays the stripping, so the server refuses the token request (or refuses a request without a challenge outright). Merely offering the plain method is not this attack.",
		RFC:     "RFC 9700 §2.1.1, §4.8.2",
		run:     pkceDowngrade,
	},
	{
		ID: "redirect-token-mismatch", Title: "Change redirect_uri between the two requests", SignIn: true,
		Tries:   "The code is asked for with one redirect_uri and traded with another.",
		Defence: "The token endpoint wants the very redirect_uri of the authorization request (invalid_grant otherwise).",
		RFC:     "RFC 6749 §4.1.3",
		run:     redirectTokenMismatch,
	},
	{
		ID: "redirect-other-path", Title: "Ask for a redirect to another path",
		Tries:   "authplay asks for a redirect to the registered host under a path that was never registered, and reads the server's answer itself.",
		Defence: "Exact matching: the server shows an error page and sends the browser nowhere.",
		RFC:     "RFC 9700 §2.1, §4.1.3; RFC 6749 §3.1.2.4",
		run:     redirectOtherPath,
	},
	{
		ID: "redirect-suffix", Title: "Add to the registered redirect URI",
		Tries:   "authplay asks for the registered redirect URI with something added: a suffix on its path, a ../ detour, an extra query parameter. Another loopback port is not an attack: native apps pick their port, and the server must allow it.",
		Defence: "Exact string matching (for loopback, the port aside): each variant gets an error page and no redirect.",
		RFC:     "RFC 9700 §4.1.1-4.1.3; RFC 8252 §7.3",
		run:     redirectSuffix,
	},
	{
		ID: "refresh-reuse", Title: "Reuse a refresh token after rotation", SignIn: true,
		Tries:   "After a refresh that rotated the refresh token, authplay presents the old one again, as a thief holding a copy would.",
		Defence: "The server refuses the spent token and revokes the newer one of the same grant, since it cannot tell the client from the thief.",
		RFC:     "RFC 9700 §4.14.2; RFC 6749 §6",
		run:     refreshReuse,
	},
	{
		ID: "wrong-secret", Title: "Authenticate with a wrong client secret",
		Tries:   "authplay asks the token endpoint for a token with the client's ID and a secret that is not the client's.",
		Defence: "HTTP 401 invalid_client, with a WWW-Authenticate challenge when the secret came by HTTP Basic.",
		RFC:     "RFC 6749 §5.2",
		run:     wrongSecret,
	},
	{
		ID: "revoked-token", Title: "Use a token after revoking it",
		Tries:   "authplay revokes an access token, then asks the introspection endpoint about it and calls the API with it.",
		Defence: "Introspection answers active: false, and the API answers 401 invalid_token.",
		RFC:     "RFC 7009 §2.1; RFC 7662 §2.2; RFC 6750 §3.1",
		run:     revokedToken,
	},
	{
		ID: "forged-state", Title: "Deliver a redirect with a forged state", ClientSide: true,
		Tries:   "While authplay waits for its redirect, a redirect with someone else's state, and one with none, reach its loopback listener, as a forged cross-site request would.",
		Defence: "authplay's listener refuses both and keeps waiting for the redirect that carries its own state.",
		RFC:     "RFC 6749 §10.12; RFC 9700 §2.1",
		run:     forgedState,
	},
	{
		ID: "id-token-audience", Title: "Accept an ID token minted for another client", ClientSide: true, SignIn: true,
		Tries:   "authplay gets a real ID token issued to one client and checks it as a different client would.",
		Defence: "The aud check fails: an ID token tells who signed in only to the client it names.",
		RFC:     "OIDC Core §3.1.3.7",
		run:     idTokenAudience,
	},
}
