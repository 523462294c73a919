package flows

// Registration steps for the two grants that trade what the client holds.
// Neither is everywhere: each provider that has one turns it on its own
// way, and where a provider lacks it, the steps say so rather than send a
// person looking for a switch that does not exist. As of this writing;
// consoles move, so each step names the screen as the provider calls it.

const (
	builtinTokenExchange = "use " + demoApp + " (secret " + demoSecret + "). Get a subject token from it first (Client Credentials, or Password as " + demoUsers +
		"), then exchange it: audience " + demoPublic + " (or any client ID, or the server's URL) names the next service, and another " + demoApp + " token as actor token makes the new token carry act."
	builtinJWTBearer = "use " + demoApp + " (secret " + demoSecret + "). It trusts assertions from issuer " + demoApp +
		" signed with the key `authplay demo-server --print-client-key` prints: sub demo or alice, aud the token URL, exp within 10 minutes, a fresh jti each time."
)

// grantSteps are the steps a grant needs beyond registering the client,
// in the family's words; nil for the other methods.
func grantSteps(m Method, f Family) []string {
	var byFamily map[Family]string
	var standard string
	switch m {
	case TokenExchange:
		byFamily, standard = tokenExchangeSteps, "Tell the server which audiences the client may exchange tokens for, and which subject token types it accepts (often only access tokens); a server that allows delegation also says whose actor tokens it takes."
	case JWTBearer:
		byFamily, standard = jwtBearerSteps, "Register the issuer whose assertions the server should trust for this client, with its public key or key set URL, and which users (sub) it may vouch for."
	default:
		return nil
	}
	if s, ok := byFamily[f]; ok {
		return []string{s}
	}
	return []string{standard}
}

var tokenExchangeSteps = map[Family]string{
	"keycloak": "Keycloak 26.2 and later: in the client's Settings › Capability config, turn on Client authentication and Standard token exchange. The audience is another client of the realm, which the subject token must already be meant for (an audience mapper). It exchanges access tokens; actor tokens (delegation) are not part of it.",
	"okta":     "Okta: in Applications › your API Services app › General, tick the Token Exchange grant type. It exchanges access tokens of a custom authorization server (Security › API), whose access policy rule must allow Token Exchange, for an audience of that server.",
	"auth0":    "Auth0 does not exchange the standard token types as they are: its Custom Token Exchange (on some plans) takes a subject_token_type URI of your own, checked by an Action of a Token Exchange Profile.",
	"entra":    "Microsoft Entra ID has no RFC 8693 token exchange; its on-behalf-of flow does the same job with the JWT bearer grant (requested_token_use=on_behalf_of).",
	"google":   "Google's OAuth server has no token exchange; Google Cloud's Security Token Service (sts.googleapis.com) implements RFC 8693 for workload identity federation, set up as a workload identity pool.",
	"github":   "GitHub has no token exchange (RFC 8693).",
	"gitlab":   "GitLab has no token exchange (RFC 8693).",
	"cognito":  "AWS Cognito has no token exchange (RFC 8693).",
}

var jwtBearerSteps = map[Family]string{
	"keycloak": "Keycloak: only recent versions have the JWT authorization grant (RFC 7523), as a preview feature: the assertion's issuer is an identity provider of the realm, whose keys check the signature. Older versions have none.",
	"okta":     "Okta does not take assertions from an issuer of your own as a grant; a JWT the client signs there is client authentication (private_key_jwt), a different thing.",
	"auth0":    "Auth0 has no JWT bearer grant for assertions of your own.",
	"entra":    "Microsoft Entra ID uses this grant for its on-behalf-of flow only: the assertion is the access token your API received from Entra, sent with requested_token_use=on_behalf_of (a token parameter here) and the API's own credentials. Register the API under App registrations › Expose an API, and give it API permissions for the next API.",
	"google":   "Google: a service account signs the assertion. Create its key in the Google Cloud console › IAM & Admin › Service Accounts › Keys › Add key (JSON); iss is the account's email, aud https://oauth2.googleapis.com/token, the scopes go in a scope claim, and no client authentication is sent (client auth none).",
	"github":   "GitHub has no JWT bearer grant (RFC 7523).",
	"gitlab":   "GitLab has no JWT bearer grant (RFC 7523).",
	"cognito":  "AWS Cognito has no JWT bearer grant (RFC 7523).",
}
