package flows

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The preset table: the providers most people point authplay at, in the
// order the new-profile screen offers them. Facts come from each
// provider's documentation; every quirk named here has a test against a
// small server that behaves the same way (flows/presetquirks_test.go),
// since the real services cannot be reached from the tests.
func init() {
	presets = []Preset{presetGithub, presetGitlab, presetGoogle, presetEntra, presetAuth0, presetOkta, presetKeycloak, presetCognito, presetSpace}
}

// fixedPort is the redirect port of the providers that match a redirect
// URI exactly, port included: a free port picked at random would never
// match what was registered.
const fixedPort = "8765"

var presetGithub = Preset{
	ID: "github", Name: "GitHub",
	AuthURL: "https://github.com/login/oauth/authorize", TokenURL: "https://github.com/login/oauth/access_token",
	DeviceURL: "https://github.com/login/device/code", APIBase: "https://api.github.com", UserinfoURL: "https://api.github.com/user",
	Console:  "GitHub › Settings › Developer settings › OAuth Apps",
	Redirect: "http://127.0.0.1:0/callback", Register: "http://127.0.0.1/callback",
	PortRule: "GitHub takes any port on a loopback callback URL",
	Steps: []string{
		"Open GitHub › Settings › Developer settings › OAuth Apps (for an organization: its Settings › Developer settings) and press New OAuth App.",
		"Set the Authorization callback URL to http://127.0.0.1/callback; GitHub lets a loopback callback come back on any port, so authplay's free port works.",
		"For the device flow, tick Enable Device Flow on the app's page.",
		"Generate a client secret; keep it in a variable and write env:NAME in the profile.",
	},
	Quirks: []string{
		"The token endpoint answers form-encoded unless asked for JSON: authplay sends Accept: application/json, and reads a form-encoded answer too.",
		"The device flow lives at /login/device/code, and a poll that is still pending comes back as HTTP 200 with an error field, which authplay reads as the RFC 8628 answer it is.",
		"OAuth App tokens carry no expires_in: they work until revoked, so authplay shows no countdown for them.",
		"No OpenID Connect: no discovery document and no ID token; the test call is GET https://api.github.com/user.",
	},
	Scope: "read:user", AuthStyle: AuthBody,
	NoExpiry: "GitHub tokens do not expire until revoked",
}

var presetGitlab = Preset{
	ID: "gitlab", Name: "GitLab",
	Needs:  []Placeholder{{Name: "url", Label: "URL", Hint: "GitLab's address: https://gitlab.com, or your self-managed instance", Default: "https://gitlab.com", URL: true}},
	Issuer: "{url}", APIBase: "{url}/api/v4",
	Console:  "GitLab › User settings › Applications (or a group's Settings › Applications)",
	Redirect: "http://127.0.0.1:0/callback", Register: "http://127.0.0.1/callback",
	PortRule: "GitLab matches a loopback redirect URI on any port (RFC 8252)",
	Steps: []string{
		"Open GitLab › User settings › Applications (a group's or the Admin area's Applications work too) and add a new application.",
		"Set the Redirect URI to http://127.0.0.1/callback; GitLab accepts it on any port.",
		"Leave Confidential on for an app that keeps a secret; turn it off for a public client, which then must use PKCE.",
		"Tick the scopes openid and read_user, save, and copy the Application ID (the client ID) and the Secret.",
	},
	Quirks: []string{
		"Access tokens last two hours and come with a refresh token; each refresh returns a new refresh token and spends the old one, so authplay always keeps the newest.",
		"A self-managed GitLab has the same paths under its own address: give it as the url.",
	},
	Scope: "openid read_user",
}

var presetGoogle = Preset{
	ID: "google", Name: "Google",
	Issuer: "https://accounts.google.com", APIBase: "https://www.googleapis.com",
	Console:  "Google Cloud console › APIs & Services › Credentials › Create credentials › OAuth client ID (Desktop app)",
	Redirect: "http://127.0.0.1:0/callback", Register: "http://127.0.0.1/callback",
	PortRule: "nothing to register: a Desktop app client takes http://127.0.0.1 on any port",
	Steps: []string{
		"In the Google Cloud console, set up the OAuth consent screen first; while the app is in Testing, add yourself as a test user.",
		"APIs & Services › Credentials › Create credentials › OAuth client ID, type Desktop app: it needs no redirect URI, since Google lets it come back to 127.0.0.1 on any port.",
		"Copy the client ID and secret; Google wants the secret even from a desktop client, where it is not really secret.",
	},
	Quirks: []string{
		"A refresh token comes only with access_type=offline, and only at the first consent unless prompt=consent asks again: the preset sends both.",
		"While the consent screen is in Testing, refresh tokens stop working after seven days.",
	},
	Scope:      "openid email profile",
	AuthParams: []PresetParam{{"access_type", "offline"}, {"prompt", "consent"}},
}

// guid is a directory (tenant) ID. Only then is a token's issuer known in
// advance: from common or organizations it names the user's own tenant,
// and a tenant given by domain name names its ID, not the domain.
var guid = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
})

var presetEntra = Preset{
	ID: "entra", Name: "Microsoft Entra ID",
	Needs: []Placeholder{{Name: "tenant", Label: "Tenant", Hint: "the directory (tenant) ID for a single-tenant app; organizations or common for a multi-tenant one"}},
	// Typed in rather than discovered: for common and organizations the
	// discovery document's issuer is a template ({tenantid}), which RFC
	// 8414 §3.3 says must not be used as is.
	AuthURL:     "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
	TokenURL:    "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
	DeviceURL:   "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
	JWKSURL:     "https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
	UserinfoURL: "https://graph.microsoft.com/oidc/userinfo", APIBase: "https://graph.microsoft.com/v1.0",
	Console:  "Microsoft Entra admin center › App registrations",
	Redirect: "http://localhost:0/callback", Register: "http://localhost/callback",
	PortRule: "Entra ignores the port of a localhost redirect URI, and takes http:// only for localhost",
	Steps: []string{
		"Microsoft Entra admin center › App registrations › New registration; the supported account types decide the tenant: your tenant ID for one directory, organizations or common for many.",
		"Authentication › Add a platform › Mobile and desktop applications, custom redirect URI http://localhost/callback; Entra ignores the port on localhost. Turn on Allow public client flows for the device flow or a client without a secret.",
		"Certificates & secrets › New client secret: copy its Value (not the Secret ID) into a variable.",
		"API permissions: Microsoft Graph User.Read is there by default; openid, profile and offline_access need no extra consent.",
	},
	Quirks: []string{
		"authplay uses the v2.0 endpoints, where the scope names permissions; offline_access in the scope is what brings a refresh token, so the preset asks for it.",
		"With common or organizations the discovery document's issuer is a template, so the preset types the endpoints in, and checks a token's issuer only for a single tenant ID.",
		"A single-tenant app refuses /common (AADSTS50194): give its tenant ID.",
	},
	Scope: "openid profile offline_access User.Read",
	adjust: func(p *Provider, v map[string]string) error {
		if t := v["tenant"]; guid().MatchString(t) {
			p.Issuer = "https://login.microsoftonline.com/" + strings.ToLower(t) + "/v2.0"
		}
		return nil
	},
}

var presetAuth0 = Preset{
	ID: "auth0", Name: "Auth0",
	Needs: []Placeholder{
		{Name: "domain", Label: "Domain", Hint: "your tenant's domain, like dev-abc123.us.auth0.com, or its custom domain"},
		{Name: "audience", Label: "Audience", Hint: "an API's identifier (Applications › APIs); without one the access token is opaque", Optional: true, Text: true},
	},
	Issuer:   "https://{domain}/",
	Console:  "Auth0 Dashboard › Applications › Applications",
	Redirect: "http://localhost:" + fixedPort + "/callback", Register: "http://localhost:" + fixedPort + "/callback",
	PortRule: "Auth0 matches Allowed Callback URLs exactly, port included",
	Steps: []string{
		"Auth0 Dashboard › Applications › Applications › Create Application: Native for a public client with PKCE, Regular Web Application for one with a secret.",
		"Settings › Allowed Callback URLs: add http://localhost:" + fixedPort + "/callback exactly (Auth0 compares the port too).",
		"Settings › Advanced Settings › Grant Types: tick the flows you will try (Device Code, Refresh Token, Client Credentials).",
		"For a JWT access token, create an API under Applications › APIs and give its Identifier as the audience; Client Credentials needs the app authorized for that API.",
	},
	Quirks: []string{
		"Without audience the access token is opaque and good only for /userinfo; the preset sends the audience you give, and the token comes back as a JWT authplay can check.",
		"A refresh token needs offline_access in the scope and Allow Offline Access on the API.",
		"The issuer ends in a slash; authplay compares issuers without it.",
	},
	Scope: "openid profile email offline_access", AuthStyle: AuthBody,
	AuthParams:  []PresetParam{{"audience", "{audience}"}},
	TokenParams: []PresetParam{{"audience", "{audience}"}},
}

var presetOkta = Preset{
	ID: "okta", Name: "Okta",
	Needs: []Placeholder{
		{Name: "domain", Label: "Domain", Hint: "your Okta domain, like dev-123456.okta.com"},
		{Name: "server", Label: "Auth server", Hint: "the authorization server's ID (Security › API); default exists in every org", Default: "default"},
	},
	Issuer:   "https://{domain}/oauth2/{server}",
	Console:  "Okta Admin Console › Applications › Applications",
	Redirect: "http://localhost:" + fixedPort + "/callback", Register: "http://localhost:" + fixedPort + "/callback",
	PortRule: "Okta matches sign-in redirect URIs exactly, port included",
	Steps: []string{
		"Okta Admin Console › Applications › Applications › Create App Integration › OIDC: Native Application for PKCE without a secret, Web Application for one with a secret.",
		"Sign-in redirect URIs: http://localhost:" + fixedPort + "/callback exactly; tick Refresh Token (and Device Authorization for the device flow) under Grant type.",
		"Assignments: assign the app to yourself, or sign-in is refused.",
		"Security › API › Authorization Servers › default › Access Policies must have a rule that lets the app in.",
	},
	Quirks: []string{
		"The issuer is a custom authorization server (/oauth2/default), not the bare domain: the org server's access tokens are meant for Okta's own APIs and cannot be checked by you.",
		"A refresh token needs offline_access in the scope and the Refresh Token grant on the app; the preset asks for offline_access.",
	},
	Scope: "openid profile offline_access",
}

var presetKeycloak = Preset{
	ID: "keycloak", Name: "Keycloak",
	Needs: []Placeholder{
		{Name: "url", Label: "URL", Hint: "Keycloak's address, like https://sso.example.com or http://localhost:8080 (add /auth for Keycloak 16 and older)", URL: true},
		{Name: "realm", Label: "Realm", Hint: "the realm's name, as in /realms/NAME"},
	},
	Issuer:   "{url}/realms/{realm}",
	Console:  "Keycloak admin console › your realm › Clients",
	Redirect: "http://127.0.0.1:0/callback", Register: "http://127.0.0.1/callback",
	PortRule: "Keycloak takes any port on a loopback redirect URI registered without one",
	Steps: []string{
		"Keycloak admin console › your realm › Clients › Create client, type OpenID Connect.",
		"Capability config: Client authentication on for a client with a secret (off for a public one); tick Standard flow, and Service accounts roles, Direct access grants or OAuth 2.0 Device Authorization Grant for those flows.",
		"Login settings › Valid redirect URIs: http://127.0.0.1/callback; a loopback URI registered without a port matches any port.",
		"Credentials tab: copy the Client secret into a variable.",
	},
	Quirks: []string{
		"Everything lives under the realm's path, /realms/REALM (with /auth in front before Keycloak 17): the bare address has no discovery document, so the preset builds the issuer from address and realm.",
		"Access tokens are JWTs signed with the realm's keys; authplay checks them against the realm's key set.",
	},
	Scope: "openid profile",
}

var presetCognito = Preset{
	ID: "cognito", Name: "AWS Cognito",
	Needs: []Placeholder{
		{Name: "region", Label: "Region", Hint: "the AWS region of the user pool, like eu-west-1"},
		{Name: "pool", Label: "User pool ID", Hint: "the user pool ID, like eu-west-1_AbC123xyz"},
	},
	Issuer:   "https://cognito-idp.{region}.amazonaws.com/{pool}",
	Console:  "Amazon Cognito console › User pools › your pool › App clients",
	Redirect: "http://localhost:" + fixedPort + "/callback", Register: "http://localhost:" + fixedPort + "/callback",
	PortRule: "Cognito matches callback URLs exactly, port included, and takes http:// only for localhost (never 127.0.0.1)",
	Steps: []string{
		"Give the user pool a domain (Branding › Domain); without one the pool has no authorization endpoint.",
		"User pools › your pool › App clients › Create app client: public (no secret) or confidential (generate a secret).",
		"Allowed callback URLs: http://localhost:" + fixedPort + "/callback exactly; Cognito refuses http://127.0.0.1 and any other port.",
		"OAuth grant types: Authorization code grant; scopes openid and email.",
	},
	Quirks: []string{
		"Cognito takes http:// only for localhost, so the preset's redirect is http://localhost:" + fixedPort + "/callback; authplay still listens on 127.0.0.1 only.",
		"Callback URLs match exactly, port included, so the preset keeps one fixed port instead of a free one.",
		"The endpoints live on the pool's domain; discovery at cognito-idp names them once the pool has one.",
	},
	Scope: "openid email",
	adjust: func(_ *Provider, v map[string]string) error {
		if region, _, ok := strings.Cut(v["pool"], "_"); !ok || region != v["region"] {
			return fmt.Errorf("AWS Cognito pool %q: a user pool ID starts with its region and an underscore (%s_…)", v["pool"], v["region"])
		}
		return nil
	},
}

var presetSpace = Preset{
	ID: FamilySpace, Name: "JetBrains Space",
	Needs:    []Placeholder{{Name: "url", Label: "URL", Hint: "your Space's address: https://ORG.jetbrains.space or your On-Premises URL", URL: true}},
	Console:  "Space › Extensions › Installed › New application",
	Redirect: "http://127.0.0.1:0/callback", Register: "http://127.0.0.1/callback",
	PortRule: "Space takes any port on a loopback redirect URI",
	Steps: []string{
		"Space › Extensions › Installed › New application (older Space: Administration › Applications), give it a unique name, Create.",
		"Authentication tab: tick the flows you want and add http://127.0.0.1/callback to the redirect URIs (any port works on loopback).",
		"Authorization tab: request the rights your scope names and have an administrator approve them.",
	},
	Quirks: []string{
		"A refresh token comes only with access_type=offline, which the preset sends.",
		"Scope ** asks for every right the application holds.",
		"Space Cloud closed in 2025; On-Premises installations work the same way.",
	},
	Scope: "**", AccessType: "offline",
}
