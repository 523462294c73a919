// Package spacesig checks the requests JetBrains Space sends to an
// application's endpoint (space-oauth.md §9): the timestamp window, the
// signing key's HMAC-SHA256 and the public key's RSA-SHA512, both over
// "timestamp:body", and the obsolete verification token (Verify); a
// Verifier that also refuses replays; an Endpoint that plays the
// application's endpoint on a loopback address (Listen); the headers the
// signing-key method expects, for testing one's own endpoint (Sign); and
// Space's public keys, fetched with an application token (FetchPublicKeys).
//
// It is apart from flows because it is the other direction: flows is
// authplay calling a server, spacesig is a server's requests arriving at
// an application. It uses flows (a client credentials run for the public
// keys, Verdict for each check) and flows uses nothing of it.
package spacesig
