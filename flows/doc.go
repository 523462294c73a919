// Package flows is the OAuth 2.0 protocol for authplay, with no user
// interface: one state machine per method, each step told for a learner.
//
// # How a method is described
//
// Each method has a Spec (spec.go): what a person needs to choose it
// (MethodInfo), the fields a person fills in (FieldID, described once in
// fields.go with their label, kind, command-line flag and where the value
// lives), and the stages its stepper shows. A Draft holds what was filled
// in; the form, `authplay token`'s flags and a saved profile all fill it
// through Draft.Set, so a field means the same wherever it is given, and
// Draft.Start makes the run's first State.
//
// # How a step runs
//
// A Machine (New) is rebuilt from a State, plain JSON-serialisable data,
// and Credentials, the secrets, which are never part of State. Pending
// builds the request the next step would send as a plain value (Request:
// method, URL, headers, form), without sending it: a front door shows it
// (the form's preview) and may let a person change it (Input.Request).
// Next performs exactly one protocol step, sending that request through
// one sender, and returns a Step: a caption, what just happened and what
// comes next, the HTTP exchanges with secrets redacted, and on failure a
// Diagnosis that leads with the fix. The actions on a token (refresh,
// introspect, revoke, an API call) are Inputs like any other and become
// steps of the same session. Every side effect (HTTP, the clock, sleeping,
// opening a browser, the loopback listener) is in Env, so each step runs
// against a real server in tests.
//
// # Who owns the credentials
//
// Not flows: a Machine holds the Credentials it was built with for as long
// as a step takes. Whoever drives a session (the TUI's run, a script)
// keeps them in memory and hands them to each step; the store never sees
// them.
//
//	client_credentials   Ready → Authorized | Failed
//	authorization_code   Ready → AwaitingRedirect → Exchanging → Authorized (→ refresh → Authorized) | Failed
//	implicit             Ready → AwaitingRedirect → Authorized | Failed          (deprecated)
//	password             Ready → Authorized (→ refresh) | Failed                 (not recommended)
//	refresh_token        Ready → Authorized (→ again) | Failed
//	permanent_token      Ready → Authorized | Failed                             (one API call proves it)
//	device_code          Ready → AwaitingUser (→ one poll per step) → Authorized | Failed
//	token_exchange       Ready → Authorized | Failed                             (RFC 8693: a token for a token)
//	jwt_bearer           Ready → Authorized | Failed                             (RFC 7523 §2.1: an assertion for a token)
//
// Any method that gets or uses a token may bind it to a key of the session
// with DPoP (RFC 9449): a proof is signed at send time, after any edit, for
// every token request and API call.
//
// The redirect methods take the OpenID Connect response types: the code
// flow code, code id_token, code token and code id_token token (the
// hybrid flow: what comes beside the code is judged, an ID token's c_hash
// and nonce before the code is used), implicit token, id_token and
// id_token token; each in the response mode asked for (query, fragment,
// or form_post, which the listener takes as a POST). A nonce goes with
// every request for an ID token. Space's own parameters (access_type,
// request_credentials) go to Space and the built-in server only; any
// request can carry a person's custom parameters (CustomParams), and one
// that replaces a parameter authplay sets is named (Request.Overrides).
//
// Shared pieces in flows: providers (Space from a service URL, explicit
// endpoints, OIDC or RFC 8414 discovery, with Lint against what the server
// advertises); client authentication (Basic, body, none); the token model,
// which keeps the raw response whole; claim verdicts (Judge, CheckState);
// Explain, which maps RFC 6749, RFC 8628, Space API and transport errors to
// a fix; CallAPI for a call outside a session.
//
// # Packages under flows
//
// The machines and their descriptions stay here. Each concern that reads
// on its own has its own package: below flows (flows imports it) what the
// machines use, above flows (it imports flows) what uses them. Imports go
// one way only.
//
//	flows/wire       HTTP plumbing, below flows: the client (NewClient), the
//	                 Recorder that keeps each exchange redacted, the same-origin
//	                 redirect rule, plain-http warnings, Peek and Mask
//	flows/loopback   the redirect listener (RFC 8252), below flows: Listener,
//	                 the relay page for URL fragments, ParseRedirectURL for a
//	                 pasted URL; Env.Loopback holds one
//	flows/jwtcheck   JWT decoding and signature checks, below flows: Decode,
//	                 VerifySignature, ParseJWKS, HalfHash; the verdicts that
//	                 judge a flow's tokens stay in flows (checks.go)
//	flows/termsafe   text from a server made safe for a terminal, below flows
//	flows/spacesig   Space's request signatures, above flows: Verify, Verifier
//	                 (replays refused), Listen for a loopback endpoint, Sign,
//	                 FetchPublicKeys
//	flows/spacetest  the built-in Space-compatible server (tests, the demo); it
//	                 imports nothing of flows, so every package can test on it
//	flows/oidctest   a generic OpenID Connect server for tests, with no Space
//	                 dialect: response types and modes, RFC 9207 iss, knobs to
//	                 get things wrong, a record of what it got, and Browse
//	                 that plays the browser (relay page, form_post)
//	flows/hostiletest  servers that attack their client, a table shared by the
//	                 tests of flows, `authplay token` and the TUI
//	flows/lab        the experiments, above flows: each tries what a server must
//	                 refuse through the machines and returns a verdict with its
//	                 steps (`authplay probe`, the TUI's lab)
//
// # Libraries, and what is written by hand
//
// golang.org/x/oauth2 makes the PKCE verifier and its S256 challenge.
// go-jose parses JWS and key sets and verifies signatures. Written here,
// because those libraries cannot:
//
//   - every request as a value: x/oauth2 builds and sends a token request
//     inside one call, so what it sends cannot be shown first, changed by a
//     person, or compared with what went over the wire; the authorization
//     URL is built here too, so its preview is the URL the browser gets;
//   - the password and refresh grants' extra parameters (Space's
//     access_type, the refresh grant's scope);
//   - the device authorization request: x/oauth2's DeviceAuth sends only
//     client_id, so a confidential client cannot authenticate (RFC 8628 §3.1);
//   - one device poll per step: x/oauth2's DeviceAccessToken loops inside
//     one call, and a learner should see each poll;
//   - reading token responses: x/oauth2's Token drops the raw response and
//     does not check token_type; authplay records the exchange with a
//     RoundTripper and parses the recorded body itself (ParseTokenResponse);
//   - claim verdicts and their explanations, and Space's request signatures
//     (HMAC-SHA256 and RSA-SHA512 over timestamp:body, in flows/spacesig).
//
// HTTP hygiene (flows/wire): connect, header and overall timeouts, at most
// 5 redirects, a 1 MiB cap on every response, a User-Agent naming authplay,
// and no secret in any error: Secret prints as a mask under every fmt verb.
package flows
