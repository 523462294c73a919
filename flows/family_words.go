package flows

import (
	"slices"
	"strings"
)

// The words each family of servers gets when authplay gives advice: where
// a client's settings live and how a refresh token is asked for. Space has
// its screens; the built-in server has no screens but fixed demo
// registrations and users; a preset has its console; any other server gets
// the standard concepts.

// The built-in server's fixed registrations and users (flows/spacetest
// defines them; a test keeps these names in step with it).
const (
	demoApp          = "demo-app"
	demoSecret       = "demo-secret"
	demoPublic       = "demo-public"
	demoNoCodeFlow   = "demo-no-code-flow"
	demoPending      = "demo-pending-rights"
	demoNoRights     = "demo-no-rights"
	demoNotInProject = "demo-not-in-project"
	demoDPoP         = "demo-dpop-app"
	demoUsers        = "demo (password demo) or alice (password alice)"
	demoRedirects    = "http://127.0.0.1/callback, http://localhost/callback and http://[::1]/callback, on any port"
)

var demoClients = []string{demoApp, demoPublic, demoNoCodeFlow, demoPending, demoNoRights, demoNotInProject, demoJWTApp, demoMTLSApp, demoDPoP}

// voice is whose words advice speaks.
type voice int

const (
	voiceStandard voice = iota // any OAuth 2.0 or OIDC server, and presets
	voiceSpace
	voiceBuiltin
)

func voiceOf(f Family) voice {
	switch f {
	case FamilySpace:
		return voiceSpace
	case FamilyBuiltin:
		return voiceBuiltin
	}
	return voiceStandard
}

// inConsole is " (in <the preset's console>)", or nothing for a family
// that is not a preset.
func inConsole(f Family) string {
	if p, ok := PresetOf(f); ok && p.Console != "" && voiceOf(f) == voiceStandard {
		return " (in " + p.Console + ")"
	}
	return ""
}

// presetHabit is the preset's quirk that mentions topic, if it has one.
func presetHabit(f Family, topic string) string {
	p, ok := PresetOf(f)
	if !ok || voiceOf(f) != voiceStandard {
		return ""
	}
	i := slices.IndexFunc(p.Quirks, func(q string) bool { return strings.Contains(strings.ToLower(q), topic) })
	if i < 0 {
		return ""
	}
	return p.Quirks[i]
}

// speaksOIDC says whether the family is an OpenID Connect server, whose
// standard way to a refresh token is the scope offline_access.
func speaksOIDC(f Family) bool {
	if f == FamilyOIDC {
		return true
	}
	p, ok := PresetOf(f)
	return ok && p.Issuer != ""
}

// askForRefreshToken is how this family's server is asked for a refresh
// token: a clause to follow "Authorization Code" (" asking for
// access_type=offline"), and a preset's own habit as a sentence, if it has
// one about refresh tokens.
func askForRefreshToken(f Family) (clause, habit string) {
	habit = presetHabit(f, "refresh")
	switch {
	case voiceOf(f) != voiceStandard:
		return " asking for access_type=offline", ""
	case habit != "":
		return "", habit
	case speaksOIDC(f):
		return " asking for the scope offline_access", ""
	}
	return "", "" // a plain OAuth 2.0 server has no standard way to ask
}
