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
// server does what the RFCs say. Tests are in this package unless named.
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
//	replayed code revokes the tokens it bought (RFC 6749 §4.1.2)     RFC    TestCodeFlowThroughThePages
//	refresh token only with access_type=offline                      [C]    flows TestAuthorizationCodeWithPKCEAndRefresh
//	... and only on the user's first offline code exchange           [C]    flows TestAuthorizationCodeWithPKCEAndRefresh
//	refresh keeps the refresh token (no rotation)                    [I]    TestCodeFlowThroughThePages
//	password grant always enabled; wrong password: invalid_grant     [C]    flows TestPasswordAndWrongPassword
//	repeated parameters: invalid_request (RFC 6749 §3.2)             RFC    TestTokenEndpointErrors/duplicate_parameter
//	bodies over 1 MiB: invalid_request                               RFC    TestBodyOverOneMiB
//	access tokens: RS512 JWT, header {"alg":"RS512"} (no kid)        [C]    TestDiscoveryKeysIntrospectionRevocationUserinfo
//	claims sub aud orgDomain scope name iss principal_type exp iat sid [C]  flows TestClientCredentialsAgainstSpace
//	principal_type SERVICE for application tokens                    [U]    flows TestClientCredentialsAgainstSpace
//	access tokens live 600 s                                         [I]    TestCodeFlowThroughThePages
//	/oauth/jwks.json verifies every token                            [C]    TestDiscoveryKeysIntrospectionRevocationUserinfo
//	API errors {"error","error_description"}; 401 authentication-required, 403 permission-denied [C] TestRegistrationMistakes, TestExpiredAccessToken
//	expired token: "Access token has expired"                        [C]    TestExpiredAccessToken
//	profiles/me refuses application tokens: a user must authorize    [C]    TestAPIRefusesAppTokenForUserResource
//	absences, applications/me, revoke own refresh token              [C]    TestCodeFlowThroughThePages, TestRevokeOwnRefreshToken
//	public-keys: the JWKS as a JSON string                           [C]    TestSignedRequestsToAnEndpoint
//	X-Space-Timestamp in ms; X-Space-Signature hex HMAC-SHA256 of ts:body [C] TestSignedRequestsToAnEndpoint
//	X-Space-Public-Key-Signature base64 RSA-SHA512 of ts:body        [I]    TestSignedRequestsToAnEndpoint
//	state survives a restart with WithDir (key, grants, port)        -      TestStateSurvivesARestart
//	concurrent use                                                   -      TestConcurrentUse (go test -race)
//
// Extensions Space does not have, on here so every method authplay teaches
// can be played offline (authplay labels them wherever they show): device
// authorization with a /device page (RFC 8628; TestDeviceFlowOverHTTP),
// discovery at both well-known paths (OIDC, RFC 8414), introspection (RFC
// 7662), revocation (RFC 7009), userinfo and ID tokens for scope openid
// (TestDiscoveryKeysIntrospectionRevocationUserinfo), and headless approval
// (POST /demo/approve, or ApproveAuthorization and ApproveDevice), off unless
// WithHeadlessApproval (TestHeadlessApprovalIsOffUnlessAsked).
package spacetest
