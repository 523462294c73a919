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
// RFC 9700 (OAuth 2.0 Security Best Current Practice); [X] an extension
// Space lacks (see below). Tests are in this package unless named.
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
// # Extensions Space lacks
//
// Space has none of these; they are here, labelled [X], so that every
// mechanism authplay teaches can be tried offline against a strict
// server. [X/S] marks a choice stricter than the RFC requires. Every
// refusal names its reason in error_description. Replay stores, DPoP
// nonces and pushed requests live in memory, bounded like the entries
// above; two servers sharing one WithDir do not share them (as they do
// not share codes). The keys and certificates of the demo registrations
// are published (demomaterial.go) and trusted by this server alone.
//
//	Behaviour                                                              Label  Pinned by
//	CLIENT AUTHENTICATION BY KEY (RFC 7523 §2.2, RFC 7521 §4.2, OIDC Core §9)
//	client_assertion at token, PAR, device, introspection, revocation      [X]    TestPrivateKeyJWTAndClientSecretJWT
//	private_key_jwt: RS256, PS256 or ES256 by demo-jwt-app's keys          [X]    TestPrivateKeyJWTAndClientSecretJWT
//	client_secret_jwt: HS256 only with a secret of 32+ bytes (RFC 7518
//	  §3.2): demo-jwt-app, not demo-app (11 bytes)                         [X]    TestClientAssertionRefusals/demo-app_with_client_secret_jwt:_its_secret_is_too_short
//	aud: the token endpoint (either port) or the issuer, as RFC 7523 §3
//	  allows; also the endpoint it is sent to (RFC 9126 §2 for PAR)        [X]    TestPrivateKeyJWTAndClientSecretJWT, TestPushedRequestRefusals
//	invalid_client, each with its reason: a wrong key, an unknown kid,
//	  a reused jti, alg none, iss ≠ sub, aud, exp missing, past or over
//	  10 min ahead, nbf/iat ahead (10 s skew), no jti, another typ,
//	  request-object claims, an unknown client, client_id ≠ sub            [X]    TestClientAssertionRefusals
//	an assertion and a secret in one request: invalid_request              RFC    TestClientAssertionRefusals/assertion_and_Basic_at_once
//	a registration's methods are the only ones it may use: demo-jwt-app
//	  never sends its secret                                               [X]    TestClientAssertionRefusals/demo-jwt-app_sending_its_secret
//	the jti store is bounded; full, it refuses (503) rather than forget    [X]    TestClientAssertionReplayStoreIsBounded
//	WriteDemoClientKey prints the key demo-jwt-app and JWT bearer trust    -      TestWriteDemoClientKeyPrintsTheRegisteredKey
//	DPOP (RFC 9449)
//	a proof at the token endpoint binds the tokens: cnf.jkt, token_type
//	  DPoP; introspection shows cnf; no proof, a Bearer token              [X]    TestDPoPBindsTokensToTheProofKey
//	invalid_dpop_proof: a stale proof (iat over 60 s old), a proof for
//	  another URL, method or server, a replayed jti, iat ahead, no jti or
//	  iat, typ not dpop+jwt, alg none or HS256, no jwk, a private jwk, a
//	  bad signature, two DPoP headers; htu normalized (RFC 9449 §4.3)      [X]    TestDPoPProofRefusals
//	API: DPoP scheme and a proof with ath by the bound key; a bound token
//	  as Bearer, another key, no ath, another URL, a replay: 401 with
//	  WWW-Authenticate: DPoP error=...; an unbound token as DPoP refused   [X/S]  TestDPoPBindsTokensToTheProofKey
//	nonces for demo-dpop-app or WithDPoPNonce: 400 use_dpop_nonce with
//	  DPoP-Nonce at token and PAR, 401 DPoP error="use_dpop_nonce" at the
//	  API; the two give separate nonces (§8, §9), each good 5 min          [X]    TestDPoPNoncesForDemoDPoPApp, TestDPoPServerSwitches/WithDPoPNonce
//	demo-dpop-app or WithDPoPRequired: no proof, invalid_dpop_proof;
//	  the implicit flow refused (unauthorized_client)                      [X]    TestDPoPNoncesForDemoDPoPApp, TestDPoPServerSwitches/WithDPoPRequired
//	a public client's refresh token is bound to its key (§5); a
//	  confidential client's is not                                         [X]    TestDPoPBindsAPublicClientsRefreshToken, TestDPoPNoncesForDemoDPoPApp
//	dpop_jkt (or a proof at PAR) binds the code to a key (§10)             [X]    TestDPoPJKTBindsTheCode
//	PAR (RFC 9126)
//	POST /oauth/par authenticates as the token endpoint; 201 with a
//	  urn:ietf:params:oauth:request_uri: and expires_in 60                 [X]    TestPushedAuthorizationRequest
//	/oauth/auth with client_id and request_uri: only what was pushed
//	  counts; used twice, expired, another client's or not ours: a page
//	  with invalid_request_uri                                             [X]    TestPushedAuthorizationRequest, TestPushedRequestRefusals
//	a push is validated as /oauth/auth would, answered in JSON; a pushed
//	  request_uri is refused                                               [X]    TestPushedRequestRefusals
//	WithPARRequired (or a registration's RequirePAR): an unpushed request
//	  is redirected with invalid_request; discovery says so                [X]    TestPARRequired
//	JAR (RFC 9101)
//	request at /oauth/auth and /oauth/par, signed by the registration's
//	  keys (every registration: the demo keys) or HS256 with a 32+ byte
//	  secret; only the request object's parameters count (§6.3)            [X]    TestRequestObjectAtTheAuthorizationEndpoint, TestRequestObjectPushed
//	invalid_request_object on a page: alg none, a wrong key, a short
//	  secret, client_id claim missing or different, iss ≠ client_id, aud
//	  not the issuer, exp missing, past or over 1 h, a nested request_uri,
//	  another typ                                                          [X/S]  TestRequestObjectRefusals
//	TOKEN EXCHANGE (RFC 8693), demo-app only
//	subject and actor: this server's access tokens, JWTs and ID tokens;
//	  refresh tokens and others: unsupported_token_type                    [X]    TestTokenExchange, TestTokenExchangeOfAnIDToken, TestTokenExchangeRefusals
//	no actor: the token acts as the subject; an actor: act (nested for
//	  earlier actors); issued_token_type in the answer                     [X]    TestTokenExchange
//	scope no wider than the subject's; aud from audience (a client or the
//	  issuer) or resource (under this server), else invalid_target         [X]    TestTokenExchange, TestTokenExchangeRefusals
//	exp never past the subject's; the subject's family, so revoking the
//	  subject's grant ends the new token                                   [X/S]  TestTokenExchange
//	a key-bound subject: invalid_grant; an ID token only by the client it
//	  was issued to, and with a scope                                      [X/S]  TestTokenExchangeRefusals, TestTokenExchangeOfAnIDToken
//	JWT BEARER GRANT (RFC 7523 §2.1), demo-app only
//	iss demo-app with the demo keys, sub a username or user ID, aud the
//	  token endpoint or issuer, exp at most 10 min ahead, jti single use;
//	  the token acts for the user, no refresh token                        [X]    TestJWTBearerGrant
//	invalid_grant: a wrong key, a reused jti, alg none, HS256, an
//	  untrusted iss, an unknown or missing sub, aud, exp, no jti           [X]    TestJWTBearerRefusals
//	MUTUAL TLS (RFC 8705), with WithTLS
//	HTTPS on a second loopback port for token, PAR, device,
//	  introspection, revocation, userinfo, JWKS and API; the pages 404
//	  there; its CA kept in the directory (0600 files, 0700 directory)     [X]    TestMutualTLS, TestMutualTLSCertificateAuthorityLifetime
//	discovery: mtls_endpoint_aliases (§5), certificate-bound tokens, the
//	  tls auth methods; none of it without WithTLS                         [X]    TestMutualTLS, TestMutualTLSOff
//	tls_client_auth: a chain to the demo client CA and the registered
//	  subject; self_signed_tls_client_auth: a registered thumbprint; either
//	  valid now                                                            [X]    TestMutualTLS, TestTLSClientAuthChecksSubjectAndValidity
//	a certificate at the mTLS token endpoint binds the token
//	  (cnf.x5t#S256); the API refuses it without that certificate          [X]    TestMutualTLS
//	DISCOVERY AND REGISTRATIONS
//	both documents advertise the auth methods, signing algorithms, DPoP,
//	  PAR, request objects and the new grant types                         [X]    TestDiscoveryAdvertisesTheExtensions
//	demo-jwt-app, demo-dpop-app, demo-mtls-app after Space's six; a
//	  state file from before them does not hide them                       -      TestExtensionRegistrations, TestOldStateFileDoesNotHideTheExtensions
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
