package flows

import (
	"fmt"
	"strings"
)

// Method is an OAuth 2.0 way of getting a token.
type Method string

// The methods, by their token-endpoint grant names where they have one.
const (
	AuthorizationCode Method = "authorization_code"
	ClientCredentials Method = "client_credentials"
	DeviceCode        Method = "device_code"
	RefreshToken      Method = "refresh_token"
	PermanentToken    Method = "permanent_token"
	Password          Method = "password"
	Implicit          Method = "implicit"
	TokenExchange     Method = "token_exchange" // RFC 8693; grant urn:ietf:params:oauth:grant-type:token-exchange
	JWTBearer         Method = "jwt_bearer"     // RFC 7523 §2.1; grant urn:ietf:params:oauth:grant-type:jwt-bearer
)

// MethodInfo is what a person needs to choose a method.
type MethodInfo struct {
	Method      Method
	Title       string
	ActsFor     string // on whose behalf the token acts
	Status      string // "recommended", "deprecated", ...
	Recommended bool
	Summary     string // what happens, in two or three plain sentences
	Warning     string // why not, for risky methods; empty otherwise
	Refs        string // where it is specified
	Browser     bool   // needs a browser on the way
}

var methodInfos = []MethodInfo{
	{
		Method: AuthorizationCode, Title: "Authorization Code + PKCE", ActsFor: "a user", Status: "recommended", Recommended: true, Browser: true,
		Summary: "The user signs in to the server in a browser. The server sends the browser back here with a one-time code, and authplay trades the code, together with the PKCE verifier, for tokens.",
		Refs:    "RFC 6749 §4.1 · RFC 7636",
	},
	{
		Method: ClientCredentials, Title: "Client Credentials", ActsFor: "the app", Status: "recommended", Recommended: true,
		Summary: "The application asks for a token for itself with its client ID and secret. No user signs in, so the token can do only what the application's own rights allow.",
		Refs:    "RFC 6749 §4.4",
	},
	{
		Method: DeviceCode, Title: "Device Authorization", ActsFor: "a user", Status: "for CLIs and TVs", Recommended: true, Browser: true,
		Summary: "authplay gets a short code and a web address. The user opens the address on any device, types the code and approves, while authplay asks the server every few seconds whether it is done.",
		Refs:    "RFC 8628",
	},
	{
		Method: RefreshToken, Title: "Refresh Token", ActsFor: "as before", Status: "renews a token",
		Summary: "A refresh token, kept from an earlier sign-in, buys a new access token without asking the user again. Space issues one only when offline access was asked for.",
		Refs:    "RFC 6749 §6",
	},
	{
		Method: PermanentToken, Title: "Bring a token", ActsFor: "its owner", Status: "Space permanent token",
		Summary: "Paste a token you already have (a Space personal or application permanent token, or any bearer token). authplay inspects it, checks it and calls an API with it.",
		Refs:    "RFC 6750",
	},
	{
		Method: Password, Title: "Resource Owner Password", ActsFor: "a user", Status: "not recommended",
		Summary: "The application collects the user's username and password itself and sends them to the server for a token.",
		Warning: "The application sees the user's password, and no second factor or single sign-on can take part. Use it only for a quick test; prefer Authorization Code.",
		Refs:    "RFC 6749 §4.3 · OAuth 2.0 Security BCP §2.4",
	},
	{
		Method: Implicit, Title: "Implicit", ActsFor: "a user", Status: "deprecated", Browser: true,
		Summary: "The server puts the access token straight into the address the browser is sent back to, in the part after #. There is no code and no token request.",
		Warning: "Deprecated: the token travels in a URL, where browser history, extensions and logs can see it, and the server cannot check who receives it. Space refuses it for new applications; use Authorization Code with PKCE.",
		Refs:    "RFC 6749 §4.2 · OAuth 2.0 Security BCP §2.1.2",
	},
	tokenExchangeInfo,
	jwtBearerInfo,
}

// Methods lists every method in the order a learner should meet them.
func Methods() []MethodInfo { return append([]MethodInfo(nil), methodInfos...) }

// Info describes the method.
func (m Method) Info() MethodInfo {
	for _, mi := range methodInfos {
		if mi.Method == m {
			return mi
		}
	}
	return MethodInfo{Method: m, Title: string(m)}
}

// ParseMethod accepts a method's name and a few common spellings.
func ParseMethod(s string) (Method, error) {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch norm {
	case "code", "auth_code", "authorization_code", "pkce":
		return AuthorizationCode, nil
	case "client_credentials", "cc":
		return ClientCredentials, nil
	case "device", "device_code", "device_authorization":
		return DeviceCode, nil
	case "refresh", "refresh_token":
		return RefreshToken, nil
	case "permanent", "permanent_token", "token", "bearer":
		return PermanentToken, nil
	case "password", "ropc":
		return Password, nil
	case "implicit":
		return Implicit, nil
	case "token_exchange", "exchange":
		return TokenExchange, nil
	case "jwt_bearer", "jwt_bearer_grant":
		return JWTBearer, nil
	}
	var names []string
	for _, mi := range methodInfos {
		names = append(names, string(mi.Method))
	}
	return "", fmt.Errorf("unknown flow %q: choose one of %s", s, strings.Join(names, ", "))
}
