package flows

import (
	"fmt"
	"net/url"

	"github.com/authplay/authplay/flows/wire"
)

// AuthStyle is how the client proves who it is at the token endpoint.
type AuthStyle string

const (
	// AuthAuto is the default: Basic when there is a client secret, and a
	// public client (client_id in the body) when there is none, so an
	// empty secret is never sent as "Basic id:".
	AuthAuto  AuthStyle = ""
	AuthBasic AuthStyle = "basic" // HTTP Basic header: Space, most servers
	AuthBody  AuthStyle = "body"  // client_id and client_secret in the form
	AuthNone  AuthStyle = "none"  // public client: client_id only, PKCE instead of a secret

	// A signed client assertion instead of the secret (RFC 7523 §2.2):
	// with the client's private key, or an HMAC keyed with the secret.
	AuthPrivateKeyJWT   AuthStyle = "private_key_jwt"
	AuthClientSecretJWT AuthStyle = "client_secret_jwt"

	// A TLS client certificate instead of any secret (RFC 8705 §2): one
	// a CA issued to the client (the server checks its subject), or a
	// self-signed one whose thumbprint the server registered.
	AuthTLSClient     AuthStyle = "tls_client_auth"
	AuthSelfSignedTLS AuthStyle = "self_signed_tls_client_auth"
)

// ByCertificate says whether the style authenticates the client with a
// TLS client certificate alone.
func (a AuthStyle) ByCertificate() bool { return a == AuthTLSClient || a == AuthSelfSignedTLS }

// Resolve turns AuthAuto into the style to use with this secret; a style
// the person chose stays as chosen.
func (a AuthStyle) Resolve(secret Secret) AuthStyle {
	switch {
	case a != AuthAuto:
		return a
	case secret == "":
		return AuthNone
	}
	return AuthBasic
}

// Method is the RFC 8414 name of the style.
func (a AuthStyle) Method() string {
	switch a {
	case AuthBody:
		return "client_secret_post"
	case AuthNone:
		return "none"
	case AuthPrivateKeyJWT, AuthClientSecretJWT, AuthTLSClient, AuthSelfSignedTLS:
		return string(a)
	}
	return "client_secret_basic"
}

// ParseAuthStyle reads auto (or nothing), basic, body, none,
// private_key_jwt, client_secret_jwt, tls_client_auth or
// self_signed_tls_client_auth.
func ParseAuthStyle(s string) (AuthStyle, error) {
	switch AuthStyle(s) {
	case AuthBasic, AuthBody, AuthNone, AuthPrivateKeyJWT, AuthClientSecretJWT, AuthTLSClient, AuthSelfSignedTLS:
		return AuthStyle(s), nil
	case "", "auto":
		return AuthAuto, nil
	}
	return "", fmt.Errorf("client authentication %q: choose auto, basic, body, none, private_key_jwt, client_secret_jwt, tls_client_auth or self_signed_tls_client_auth", s)
}

// PKCEMethod is the code challenge method, or off.
type PKCEMethod string

const (
	PKCES256  PKCEMethod = "S256"
	PKCEPlain PKCEMethod = "plain"
	PKCEOff   PKCEMethod = "off"
)

// ParsePKCE reads S256, plain or off.
func ParsePKCE(s string) (PKCEMethod, error) {
	switch PKCEMethod(s) {
	case PKCES256, PKCEPlain, PKCEOff:
		return PKCEMethod(s), nil
	case "":
		return PKCES256, nil
	}
	return "", fmt.Errorf("PKCE method %q: choose S256, plain or off", s)
}

const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Params are a flow's settings: everything but secrets, so they can be saved.
type Params struct {
	Provider           Provider   `json:"provider"`
	ClientID           string     `json:"client_id"`
	AuthStyle          AuthStyle  `json:"auth_style"`
	Scope              string     `json:"scope"`
	RedirectURI        string     `json:"redirect_uri,omitempty"`
	PKCE               PKCEMethod `json:"pkce,omitempty"`
	AccessType         string     `json:"access_type,omitempty"`         // Space: online or offline
	RequestCredentials string     `json:"request_credentials,omitempty"` // Space: default, required, skip, silent
	// ResponseType and ResponseMode are the redirect methods' (empty:
	// the method's default, sent as such, and no response_mode at all).
	ResponseType string `json:"response_type,omitempty"`
	ResponseMode string `json:"response_mode,omitempty"`
	// AuthParams go on the request that starts the authorization (the
	// authorization URL, or the device authorization request); TokenParams
	// on every request to the token endpoint.
	AuthParams  CustomParams  `json:"auth_params,omitempty"`
	TokenParams CustomParams  `json:"token_params,omitempty"`
	Username    string        `json:"username,omitempty"`
	Timeout     wire.Duration `json:"timeout,omitempty"` // how long to wait for a person

	// PrivateKeyFile names the PEM file of the client's private key
	// (private_key_jwt, request objects); KeyID is the kid it signs under.
	PrivateKeyFile string `json:"private_key_file,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
	// TLSCertFile and TLSKeyFile are the client's TLS certificate and its
	// private key (PEM), presented on every connection to the server
	// (RFC 8705): they authenticate the client and bind its tokens.
	TLSCertFile string `json:"tls_cert_file,omitempty"`
	TLSKeyFile  string `json:"tls_key_file,omitempty"`
	// DPoP binds the tokens to a key of the session (RFC 9449): a fresh
	// proof with every token request and API call.
	DPoP bool `json:"dpop,omitempty"`
	// PAR pushes the authorization request to the server first (RFC
	// 9126); RequestObject sends it as a signed JWT (RFC 9101).
	PAR           bool `json:"par,omitempty"`
	RequestObject bool `json:"request_object,omitempty"`
	// Exchange is a token exchange's settings (RFC 8693).
	Exchange ExchangeParams `json:"exchange,omitzero"`
}

// Credentials are the secrets a flow needs. They are never part of State, so
// nothing that persists State can leak them.
type Credentials struct {
	ClientSecret Secret
	Password     Secret

	// ClientKey is the private key read from Params.PrivateKeyFile, held
	// in memory only; nil until read (a step reads it when it signs).
	ClientKey *ClientKey
	// SubjectToken and ActorToken are what a token exchange trades
	// (RFC 8693 §2.1); Assertion is the JWT a JWT-bearer grant presents
	// (RFC 7523 §2.1). Each is a token that works for whoever holds it.
	SubjectToken, ActorToken, Assertion Secret
}

// spaceParams are Space's own authorization parameters, which Space and the
// built-in server understand and no other server does: they go to those
// two only. Any other server gets them only as custom parameters, when a
// person adds them (Google, for one, reads access_type too).
func (p Params) spaceParams() url.Values {
	q := url.Values{}
	if !p.Provider.SpaceLike() {
		return q
	}
	if p.AccessType != "" {
		q.Set("access_type", p.AccessType)
	}
	if p.RequestCredentials != "" {
		q.Set("request_credentials", p.RequestCredentials)
	}
	return q
}
