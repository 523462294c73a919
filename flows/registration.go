package flows

import (
	"cmp"
	"slices"
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
// method to work with these params, in the provider's own terms: Space's
// screens for Space, the demo registrations of the built-in server (which
// needs none, and then shows how Space would do it), a preset's own steps,
// or the standard concepts any server has.
func Registration(m Method, p Params) []string {
	f := p.Provider.FamilyOf()
	switch voiceOf(f) {
	case voiceSpace:
		return spaceRegistration(m, p)
	case voiceBuiltin:
		return append(builtinRegistration(m), spaceRegistration(m, p)...)
	}
	client := cmp.Or(p.ClientID, "your application")
	secrets := "Keep the secret out of files: in a profile, write env:NAME or file:PATH instead of the value."
	if pr, ok := PresetOf(f); ok && len(pr.Steps) > 0 {
		steps := append([]string(nil), pr.Steps...)
		// The URI the person registers, as RedirectToRegister writes it
		// (a :0 port, "any free port", is written without a port).
		q := p
		q.RedirectURI = cmp.Or(p.RedirectURI, pr.Redirect)
		if u := RedirectToRegister(m, q); pr.Redirect != "" && u != "" {
			steps = append(steps, "The redirect URI to register: "+u+".")
		}
		steps = append(steps, grantSteps(m, f)...)
		return append(steps, "Note the client ID ("+client+") and, for a confidential client, its secret. "+secrets)
	}
	console := "the server's admin console"
	if pr, ok := PresetOf(f); ok && pr.Console != "" {
		console = pr.Console
	}
	uri := ""
	if u := RedirectToRegister(m, p); u != "" {
		uri = " Add exactly " + u + " to the client's registered redirect URIs (a server that follows RFC 8252 §7.3 takes any port on a loopback address; press c to copy it)."
	}
	grant := "Add " + grantName(m) + " to the client's allowed grant types."
	if m == PermanentToken {
		grant = "Create the token where the server issues long-lived tokens, if it does; authplay only uses it."
	}
	return slices.Concat([]string{
		"Register a client for this program in " + console + " and note its client ID (" + client + ") and, for a confidential client, its secret.",
		grant + uri,
	}, grantSteps(m, f), []string{
		"Allow the scopes you will ask for (" + cmp.Or(p.Scope, "none yet") + "), and any consent the server needs.",
		secrets,
	})
}

// builtinRegistration is the built-in server's steps: nothing to
// register, which demo registration and user to use, and its deliberate
// mistakes; Space's steps follow, for an app of one's own.
func builtinRegistration(m Method) []string {
	use := map[Method]string{
		ClientCredentials: "use " + demoApp + " (secret " + demoSecret + ").",
		AuthorizationCode: "use " + demoApp + " (secret " + demoSecret + ") or " + demoPublic + " (no secret, PKCE required), and sign in as " + demoUsers + ".",
		Implicit:          "use " + demoApp + ", the one registration that keeps the implicit flow, and sign in as " + demoUsers + ".",
		Password:          "use " + demoApp + " (secret " + demoSecret + ") and sign in as " + demoUsers + ".",
		RefreshToken:      "get a refresh token with " + demoApp + " and access_type=offline, by Authorization Code or Password.",
		DeviceCode:        "use " + demoApp + " or " + demoPublic + ", and approve as " + demoUsers + ".",
		PermanentToken:    "paste its demo personal token (user demo) or application token (" + demoApp + "), both listed in the README.",
		TokenExchange:     builtinTokenExchange,
		JWTBearer:         builtinJWTBearer,
	}[m]
	if m.Info().Browser && m != DeviceCode {
		use += " Any port works with http://127.0.0.1/callback (or localhost, or [::1])."
	}
	first := "The built-in server needs no registration: for this flow, " + use
	if d := builtinDPoP(m); d != "" {
		first += " " + d
	}
	return []string{
		first,
		demoNoCodeFlow + ", " + demoPending + ", " + demoNoRights + " and " + demoNotInProject + " each carry one registration mistake, to show what a server answers. On a real Space, these steps register an app of your own:",
	}
}

// spaceRegistration is the path through Space's screens.
func spaceRegistration(m Method, p Params) []string {
	client := cmp.Or(p.ClientID, "your application")
	uri := ""
	if u := RedirectToRegister(m, p); u != "" {
		uri = " Add exactly " + u + " to Redirect URIs (any port works on a loopback address; press c to copy it)."
	}
	flowBox := map[Method]string{
		ClientCredentials: "tick Client Credentials Flow (it is on for new applications)",
		AuthorizationCode: "tick Authorization Code Flow; leave Require PKCE on, and tick Allow public clients only for an app with no secret",
		Implicit:          "the implicit flow cannot be turned on for new applications; only old ones keep it. Use Authorization Code",
		Password:          "nothing to tick: Resource Owner Password Credentials is always on (which is a reason to avoid it)",
		RefreshToken:      "nothing to tick: refresh tokens come with Authorization Code or Password, when access_type=offline is asked for",
		DeviceCode:        "Space has no device flow; the built-in server offers it as a labelled extension so you can learn it",
		PermanentToken:    "for an application token, open the Permanent Tokens tab and create one; for a personal token, use your avatar › Preferences › Personal Tokens",
		TokenExchange:     "Space has no token exchange (RFC 8693); the built-in server offers it as a labelled extension so you can learn it",
		JWTBearer:         "Space has no JWT bearer grant (RFC 7523); the built-in server offers it as a labelled extension so you can learn it",
	}[m]
	return []string{
		"Create the application: Extensions › Installed › New application (older Space: Administration › Applications), give it a unique name, Create.",
		"On the Authentication tab, " + flowBox + "." + uri,
		"Copy the Client ID (" + client + ") and Client secret from the Authentication tab. Keep the secret in an environment variable and write env:NAME in the profile.",
		"On the Authorization tab, request the rights your scope needs (" + cmp.Or(p.Scope, "**") + " asks for every right the app holds), then have an administrator approve them: global rights need a System Admin.",
		"For project rights (project:key:KEY:…), add the project under Authorization and have a project administrator approve the app there.",
		"If Space will call your app (chat bot, menu actions, webhooks), set its Endpoint and verify requests with the signing key or public keys: press v to try that here.",
		"If the app needs Git access as itself, add an SSH key under Git Keys: press s to make an ed25519 pair and paste the public key.",
	}
}
