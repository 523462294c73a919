// Package jwtcheck reads JSON Web Tokens for authplay's token checks: it
// tells a JWT from an opaque token (LooksLikeJWT), decodes one without
// trusting it (Decode), verifies its signature against a key set
// (VerifySignature, ParseJWKS, with the algorithms authplay accepts), and
// computes the half hash that at_hash and c_hash compare (HalfHash).
//
// It is apart from flows because it knows no flow: it answers what a token
// says and whether its signature holds. Judging a flow's tokens against
// what the flow sent (issuer, audience, nonce, expiry, state), and the
// sentences a person reads about it, stay in flows (flows.Judge).
package jwtcheck
