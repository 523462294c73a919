package flows

import (
	"cmp"
	"strings"
)

// RedirectToRegister is the redirect URI a person registers for a browser
// flow: the loopback URI without the port, which Space and RFC 8252 §7.3
// servers match on any port. Methods with no redirect have none.
func RedirectToRegister(m Method, p Params) string {
	if !m.Info().Browser || m == DeviceCode {
		return ""
	}
	return strings.Replace(cmp.Or(p.RedirectURI, "http://127.0.0.1:0/callback"), ":0/", "/", 1)
}

// Registration says, step by step, what must be set on the server for the
// method to work with these params: Space's screens for Space and the
// built-in server, the standard concepts elsewhere.
func Registration(m Method, p Params) []string {
	space := p.Provider.Kind == KindSpace || p.Provider.Builtin
	client := cmp.Or(p.ClientID, "your application")
	uri := func(where string) string {
		if u := RedirectToRegister(m, p); u != "" {
			return " Add exactly " + u + " to " + where + " (any port works on a loopback address; press c to copy it)."
		}
		return ""
	}
	if !space {
		return []string{
			"Register a client for this program in the server's admin console and note its client ID (" + client + ") and, for a confidential client, its secret.",
			"Allow the grant type " + string(m) + " for the client." + uri("the client's redirect URIs"),
			"Allow the scopes you will ask for (" + cmp.Or(p.Scope, "none yet") + "), and any consent the server needs.",
			"Keep the secret out of files: in a profile, write env:NAME or file:PATH instead of the value.",
		}
	}
	flowBox := map[Method]string{
		ClientCredentials: "tick Client Credentials Flow (it is on for new applications)",
		AuthorizationCode: "tick Authorization Code Flow; leave Require PKCE on, and tick Allow public clients only for an app with no secret",
		Implicit:          "the implicit flow cannot be turned on for new applications; only old ones keep it. Use Authorization Code",
		Password:          "nothing to tick: Resource Owner Password Credentials is always on (which is a reason to avoid it)",
		RefreshToken:      "nothing to tick: refresh tokens come with Authorization Code or Password, when access_type=offline is asked for",
		DeviceCode:        "Space has no device flow; the built-in server offers it as a labelled extension so you can learn it",
		PermanentToken:    "for an application token, open the Permanent Tokens tab and create one; for a personal token, use your avatar › Preferences › Personal Tokens",
	}[m]
	return []string{
		"Create the application: Extensions › Installed › New application (older Space: Administration › Applications), give it a unique name, Create.",
		"On the Authentication tab, " + flowBox + "." + uri("Redirect URIs"),
		"Copy the Client ID (" + client + ") and Client secret from the Authentication tab. Keep the secret in an environment variable and write env:NAME in the profile.",
		"On the Authorization tab, request the rights your scope needs (" + cmp.Or(p.Scope, "**") + " asks for every right the app holds), then have an administrator approve them: global rights need a System Admin.",
		"For project rights (project:key:KEY:…), add the project under Authorization and have a project administrator approve the app there.",
		"If Space will call your app (chat bot, menu actions, webhooks), set its Endpoint and verify requests with the signing key or public keys: press v to try that here.",
		"If the app needs Git access as itself, add an SSH key under Git Keys: press k to make an ed25519 pair and paste the public key.",
	}
}
