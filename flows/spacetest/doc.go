// Package spacetest is a strict, JetBrains Space-compatible authorization
// server over real HTTP on loopback, in the spirit of net/http/httptest.
// authplay's tests, its built-in offline demo (`go run .`) and
// `authplay demo-server` all run it.
//
//	s, _ := spacetest.NewServer()          // 127.0.0.1, ephemeral port, in memory
//	defer s.Close()
//	p, _ := flows.Space(s.URL)              // /oauth/auth, /oauth/token, /oauth/jwks.json, /api/http
//
// Tests use Start, which shares one RSA key per test binary and closes the
// server when the test ends.
//
// # Conformance
//
// Behaviour follows ../shared/space-oauth.md. Labels: [C] confirmed by
// JetBrains docs or SDK code, [I] inferred, [U] unconfirmed, where this
// server does what the RFCs say; [S] stricter than Space on purpose, after
// RFC 9700 (OAuth 2.0 Security Best Current Practice). Tests are in this
// package unless named.
//
//	Behaviour                                                       Label  Pinned by
//	/oauth/auth validates client, then redirect URI, then the rest   [C]    TestRegistrationMistakes, TestAuthorizeRefusesUnregisteredRedirectWithAPage
//	unknown client_id: invalid_request on a page, no redirect        [C]    TestRegistrationMistakes/unknown_client_id
//	unregistered redirect_uri: unauthorized_client page, no redirect [C/I]  TestAuthorizeRefusesUnregisteredRedirectWithAPage
//	loopback redirect URIs match on any port (RFC 8252 §7.3)         RFC    TestCodeFlowThroughThePages (port 53682 vs registered none)
//	scope outside authorized rights: invalid_scope redirect          [C]    TestAuthorizeRefusesUnregisteredRedirectWithAPage
//	code_challenge_method defaults to plain; S256 and plain          [C]    flows TestAuthorizationCodePublicClientPlainPKCE, TestCodeFlowThroughThePages
//	Require PKCE without a challenge: invalid_request                [U]    TestRegistrationMistakes/Require_PKCE
//	wrong code_verifier: invalid_grant (RFC 7636 §4.6)               [U]    TestRegistrationMistakes/wrong_code_verifier
//	sign-in page, then consent page with Accept and Cancel           [C]    TestCodeFlowThroughThePages
//	Cancel: access_denied on the redirect, state kept                [C/U]  TestRegistrationMistakes/user_pressed_Cancel
//	code and state in the redirect's query                           [C]    TestCodeFlowThroughThePages
//	implicit: token in the fragment (RFC 6749 §4.2.2)                [U]    TestImplicitPutsTheTokenInTheFragment
//	implicit refused unless the app has it (new apps cannot)         [C]    TestRegistrationMistakes/implicit_not_enabled
//	request_credentials default/required/skip/silent accepted        [C]    (silent with nobody signed in: access_denied [U])
//	/oauth/token authenticates the client before anything else       [C]    TestTokenEndpointErrors
//	HTTP Basic; matching body credentials also accepted              [C/I]  TestTokenEndpointErrors, flows TestClientCredentialsAgainstSpace
//	Basic plus different body credentials: invalid_request           [C]    TestTokenEndpointErrors/basic_and_different_body_credentials
//	unknown client or wrong secret: 401 invalid_client + WWW-Authenticate [C]/RFC TestTokenEndpointErrors
//	public clients by client_id only when allowed, PKCE required     [C]    flows TestAuthorizationCodePublicClientPlainPKCE
//	omitted scope means ** (Space's SDK default)                     [U]    TestRegistrationMistakes/no_rights_at_all
//	** narrows to the app's authorized rights, possibly none         [I]    TestRegistrationMistakes/no_rights_at_all
//	scope in the response only when it differs (RFC 6749 §5.1)      [U]    TestRegistrationMistakes/no_rights_at_all
//	flow checkbox off: unauthorized_client                           [I]    TestTokenEndpointErrors/code_flow_off
//	codes: single use, 2 min, bound to client, redirect URI, verifier [I]   TestCodeFlowThroughThePages, TestRegistrationMistakes
//	replayed code: invalid_grant, and every token it bought revoked,
//	  refresh tokens and what they minted too (RFC 6749 §4.1.2)      RFC    TestReplayedCodeRevokesEveryTokenItBought
//	refresh token only with access_type=offline                      [C]    flows TestAuthorizationCodeWithPKCEAndRefresh
//	... and only on the user's first offline code exchange           [C]    flows TestAuthorizationCodeWithPKCEAndRefresh
//	confidential client: refresh keeps the refresh token (no rotation) [I] TestConfidentialClientRefreshTokensDoNotRotate
//	public client: every refresh rotates the refresh token; a spent
//	  one presented again is invalid_grant and revokes the family   [S]    TestPublicClientRefreshTokensRotate (RFC 9700 §4.14.2)
//	password grant always enabled; wrong password: invalid_grant     [C]    flows TestPasswordAndWrongPassword
//	repeated parameters: invalid_request (RFC 6749 §3.2)             RFC    TestTokenEndpointErrors/duplicate_parameter
//	bodies over 1 MiB: invalid_request                               RFC    TestBodyOverOneMiB
//	access tokens: RS512 JWT, header {"alg":"RS512"} (no kid)        [C]    TestDiscoveryKeysIntrospectionRevocationUserinfo
//	claims sub aud orgDomain scope name iss principal_type exp iat sid [C]  flows TestClientCredentialsAgainstSpace
//	principal_type SERVICE for application tokens                    [U]    flows TestClientCredentialsAgainstSpace
//	access tokens live 600 s                                         [I]    TestCodeFlowThroughThePages
//	/oauth/jwks.json verifies every token                            [C]    TestDiscoveryKeysIntrospectionRevocationUserinfo
//	API errors {"error","error_description"}; 401 authentication-required, 403 permission-denied [C] TestRegistrationMistakes, TestExpiredAccessToken
//	bad bearer token: WWW-Authenticate adds error="invalid_token"    RFC    TestReplayedCodeRevokesEveryTokenItBought (RFC 6750 §3.1)
//	expired token: "Access token has expired"                        [C]    TestExpiredAccessToken
//	profiles/me refuses application tokens: a user must authorize    [C]    TestAPIRefusesAppTokenForUserResource
//	absences, applications/me, revoke own refresh token              [C]    TestCodeFlowThroughThePages, TestRevokeOwnRefreshToken
//	public-keys: the JWKS as a JSON string                           [C]    TestSignedRequestsToAnEndpoint
//	X-Space-Timestamp in ms; X-Space-Signature hex HMAC-SHA256 of ts:body [C] TestSignedRequestsToAnEndpoint
//	X-Space-Public-Key-Signature base64 RSA-SHA512 of ts:body        [I]    TestSignedRequestsToAnEndpoint
//	state survives a restart with WithDir (key, grants, port)        -      TestStateSurvivesARestart
//	servers sharing one WithDir see each other's grants and
//	  revocations; files 0600, directories 0700                      -      TestTwoServersShareOneDirectory
//	damaged state.json: moved aside, WithNotices told; damaged grant
//	  file: invalid_grant naming it; never a panic                   -      TestDamagedStateFilesAreReportedNotFatal
//	unfinished authorizations live 10 min, sign-in sessions 1 h,
//	  codes 2 min (kept 12 to catch replays), device codes 10 min;
//	  at most 1,000 of each, the oldest dropped first                -      TestTwentyThousandUnfinishedAuthorizationsHoldOnlyTheCap, TestEverySortOfPerRequestEntryIsCapped, TestPerRequestEntriesExpire
//	request headers 10 s, whole request 30 s (WithReadTimeout)       -      TestUnsentBodyIsCutOffByTheReadDeadline
//	concurrent use                                                   -      TestConcurrentUse (go test -race)
//
// Teaching switches [W]: off unless WithWeak names them (`authplay
// demo-server --weak`), never on by default, each unsafe on purpose so a
// learner can watch an attack work (authplay probe, the lab). Each turns
// off exactly the defences of its row; TestWeakSwitchesTurnOffExactlyTheirDefences.
//
//	WithWeak("replay"): a code may be redeemed again, and a replay
//	  revokes nothing                                                [W]    TestWeakSwitchesTurnOffExactlyTheirDefences
//	WithWeak("pkce"): code_verifier unchecked (missing, wrong, or
//	  sent for a request that had no challenge)                      [W]    TestWeakSwitchesTurnOffExactlyTheirDefences
//	WithWeak("redirect"): a redirect URI matches on scheme and host
//	  alone (any path, any query), and the token endpoint no longer
//	  compares redirect_uri                                          [W]    TestWeakSwitchesTurnOffExactlyTheirDefences, TestWeakRedirectStillNeedsTheRegisteredHost
//
// Extensions Space does not have, on here so every method authplay teaches
// can be played offline (authplay labels them wherever they show): device
// authorization with a /device page (RFC 8628; TestDeviceFlowOverHTTP),
// discovery at both well-known paths (OIDC, RFC 8414), introspection (RFC
// 7662), revocation (RFC 7009; revoking either token of a grant revokes
// both, TestRevokingAnAccessTokenRevokesItsRefreshToken), userinfo and ID
// tokens for scope openid
// (TestDiscoveryKeysIntrospectionRevocationUserinfo), and headless approval
// (POST /demo/approve, or ApproveAuthorization and ApproveDevice), off unless
// WithHeadlessApproval (TestHeadlessApprovalIsOffUnlessAsked).
//
// # Token families
//
// Every token minted from one authorization shares a family id (the sid
// claim): the access tokens, the refresh token, and a public client's
// rotated refresh tokens. A replayed code, a reused rotated refresh token or
// a revocation ends the whole family at once.
//
// # State directory
//
// With WithDir, the signing key, the last port and the registrations live
// in the directory, and grants under grants/, one small file per refresh
// token, spent token, revoked family and offline consent. Two authplay
// processes often share the directory (two windows of the demo), so no
// file holds more than one grant: a server never rewrites what another
// wrote, it only adds files (written to a temporary name and renamed, or
// created with O_EXCL when only the first may win, as when a refresh token
// is spent). Lookups read the disk rather than a cache, so a grant issued
// or revoked by the other process counts at once. A lock around one shared
// file would serialize every request on it, could be left held by a
// crashed process, and flock is not portable; single files need none of
// that. The key is created once in the same way, so two servers starting
// together on an empty directory sign with the same key.
//
// Grants on disk are durable state, like a real server's database, and are
// not pruned. What a request can make the server hold in memory (pending
// authorizations, sessions, codes, device codes, and without a directory
// the grants) is bounded in number and in lifetime.
package spacetest
