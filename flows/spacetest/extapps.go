package spacetest

import (
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// Extensions are a registration's settings for the mechanisms Space lacks
// and this server adds, labelled [X] in the conformance table. The JSON
// names follow the client metadata of the RFCs where one exists.
type Extensions struct {
	// AuthMethods lists the token_endpoint_auth_method values the client
	// may use (RFC 7591 §2, OIDC Core §9). Empty means Space's own:
	// client_secret_basic and client_secret_post with a secret, none for
	// public clients.
	AuthMethods []string `json:"token_endpoint_auth_methods,omitempty"`
	// JWKS holds the client's public keys: they check private_key_jwt
	// assertions (when AuthMethods allows it) and request objects.
	JWKS *jose.JSONWebKeySet `json:"jwks,omitempty"`
	// TLSSubjectDN is the subject a tls_client_auth certificate must have
	// (RFC 8705 §2.1.2), issued by the demo client CA.
	TLSSubjectDN string `json:"tls_client_auth_subject_dn,omitempty"`
	// TLSThumbprints are the SHA-256 thumbprints (base64url) of the
	// certificates registered for self_signed_tls_client_auth (RFC 8705 §2.2).
	TLSThumbprints []string `json:"self_signed_tls_client_thumbprints,omitempty"`
	// RequireDPoP refuses token requests without a DPoP proof (RFC 9449
	// §5.2); DPoPNonce demands a server nonce in every proof (§8, §9).
	RequireDPoP bool `json:"dpop_bound_access_tokens,omitempty"`
	DPoPNonce   bool `json:"dpop_nonce_required,omitempty"`
	// RequirePAR refuses authorization requests that were not pushed (RFC 9126 §6).
	RequirePAR bool `json:"require_pushed_authorization_requests,omitempty"`
	// TokenExchange turns on RFC 8693 token exchange.
	TokenExchange bool `json:"token_exchange,omitempty"`
	// AssertionIssuers are the issuers whose JWTs the client may trade for
	// a user's token with the JWT-bearer grant (RFC 7523 §2.1), with their keys.
	AssertionIssuers map[string]*jose.JSONWebKeySet `json:"jwt_bearer_issuers,omitempty"`
}

// Client authentication methods (RFC 8414 §2, OIDC Core §9, RFC 8705 §2).
const (
	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthClientSecretJWT   = "client_secret_jwt"
	AuthPrivateKeyJWT     = "private_key_jwt"
	AuthTLSClient         = "tls_client_auth"
	AuthSelfSignedTLS     = "self_signed_tls_client_auth"
	AuthNone              = "none"
)

// The extensions' demo registrations, and the issuer demo-app's JWT-bearer
// grant trusts.
const (
	// DemoJWTClientID authenticates only by a signed assertion: private_key_jwt
	// with DemoClientKeyPEM or DemoClientECKeyPEM, or client_secret_jwt with
	// DemoJWTClientSecret.
	DemoJWTClientID = "demo-jwt-app"
	// DemoJWTClientSecret is 32 bytes, as an HS256 key must be (RFC 7518
	// §3.2); demo-app's 11-byte secret is too short for client_secret_jwt.
	DemoJWTClientSecret = "demo-jwt-secret-that-is-32-bytes"
	// DemoDPoPClientID is a public client whose tokens must be DPoP-bound,
	// with server nonces.
	DemoDPoPClientID = "demo-dpop-app"
	// DemoMTLSClientID authenticates with a TLS client certificate on the
	// server's mTLS port (WithTLS): DemoClientCertPEM for tls_client_auth,
	// DemoSelfSignedCertPEM for self_signed_tls_client_auth.
	DemoMTLSClientID = "demo-mtls-app"
	// DemoMTLSSubjectDN is the subject registered for tls_client_auth.
	DemoMTLSSubjectDN = "CN=demo-mtls-app,O=authplay demo"
	// DemoJWTBearerIssuer is the issuer demo-app's JWT-bearer grant trusts,
	// with the key DemoClientKeyPEM (and DemoClientECKeyPEM).
	DemoJWTBearerIssuer = DemoClientID
)

// withExtensions adds the extensions' settings to Space's registrations and
// appends the registrations that exist only for the extensions. Every
// registration accepts request objects signed with the published demo keys
// (PAR and JAR for every registration); only demo-jwt-app may also
// authenticate with them.
func withExtensions(apps []App) []App {
	apps = append(apps,
		App{
			ClientID: DemoJWTClientID, ClientSecret: DemoJWTClientSecret, Name: "Demo: key-authenticated app",
			About:             "authenticates by a signed client assertion and never sends its secret (private_key_jwt, client_secret_jwt)",
			ClientCredentials: true, CodeFlow: true, DeviceFlow: true, RedirectURIs: loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
			Extensions: Extensions{AuthMethods: []string{AuthPrivateKeyJWT, AuthClientSecretJWT}},
		},
		App{
			ClientID: DemoDPoPClientID, Name: "Demo: DPoP public client",
			About:    "public client whose tokens must be DPoP-bound, with server nonces; PKCE required",
			CodeFlow: true, RequirePKCE: true, PublicClients: true, DeviceFlow: true, RedirectURIs: loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
			Extensions: Extensions{RequireDPoP: true, DPoPNonce: true},
		},
		App{
			ClientID: DemoMTLSClientID, Name: "Demo: mutual-TLS app",
			About:             "authenticates with a TLS client certificate on the mTLS port; its tokens are bound to it",
			ClientCredentials: true, CodeFlow: true, RedirectURIs: loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
			Extensions: Extensions{
				AuthMethods:  []string{AuthTLSClient, AuthSelfSignedTLS},
				TLSSubjectDN: DemoMTLSSubjectDN, TLSThumbprints: []string{demoSelfSignedTP},
			},
		},
	)
	for i := range apps {
		apps[i].JWKS = demoClientJWKS()
		if apps[i].ClientID == DemoClientID {
			apps[i].TokenExchange = true
			apps[i].AssertionIssuers = map[string]*jose.JSONWebKeySet{DemoJWTBearerIssuer: demoClientJWKS()}
		}
	}
	return apps
}

// authMethods is what the client may authenticate with.
func (a *App) authMethods() []string {
	if len(a.AuthMethods) > 0 {
		return a.AuthMethods
	}
	var m []string
	if a.ClientSecret != "" {
		m = append(m, AuthClientSecretBasic, AuthClientSecretPost)
	}
	if a.PublicClients {
		m = append(m, AuthNone)
	}
	return m
}

func (a *App) allows(method string) bool { return slices.Contains(a.authMethods(), method) }

// usesCertificates reports whether the client authenticates by TLS client
// certificate alone.
func (a *App) usesCertificates() bool {
	return a.allows(AuthTLSClient) || a.allows(AuthSelfSignedTLS)
}
