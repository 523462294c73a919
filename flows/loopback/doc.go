// Package loopback receives OAuth authorization redirects on this machine
// (RFC 8252 §7.3): a Listener opens one loopback address per redirect URI,
// accepts only a redirect that carries the state the flow sent, serves the
// relay page that brings an implicit flow's URL fragment back, takes a
// form_post (the server's page POSTing the answer), and takes a pasted URL
// (ParseRedirectURL) when the browser cannot reach this machine. A flow's
// own check of an answer whose state matched (Expect.Verify: RFC 9207's
// issuer) ends the wait with the browser told why.
//
// It is apart from flows because it knows nothing of the machines: it is an
// HTTP server with its own goroutines and pages, and a flow only asks it to
// Prepare, Wait, Paste and Close. flows.Env carries one Listener for the
// whole program, so a flow waiting for its redirect survives between steps.
package loopback
