package spacetest

import (
	"net/url"
	"slices"
	"strings"
)

// App is one application registration, with the settings Space shows on its
// Authentication and Authorization tabs.
type App struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"` // empty for public-only apps
	Name         string `json:"name"`
	About        string `json:"about"` // what the demo app is there to show

	ClientCredentials bool     `json:"client_credentials"`
	CodeFlow          bool     `json:"code_flow"`
	RedirectURIs      []string `json:"redirect_uris"`
	RequirePKCE       bool     `json:"require_pkce"`
	PublicClients     bool     `json:"public_clients"`
	Implicit          bool     `json:"implicit"` // legacy: Space refuses it for new apps
	DeviceFlow        bool     `json:"device_flow"`

	// RequestedRights are the rights the app asked for; AuthorizedRights the
	// ones an administrator approved. "**" among AuthorizedRights means every
	// right. Elements look like Space scope elements: "global:Profile.View",
	// "project:key:DEMO:Project.Issues.View".
	RequestedRights  []string `json:"requested_rights"`
	AuthorizedRights []string `json:"authorized_rights"`
	// Projects the app was authorized in; "*" means all.
	Projects []string `json:"projects"`

	// SigningKey is the key Space uses for X-Space-Signature on requests it
	// sends to the app's endpoint.
	SigningKey string `json:"signing_key,omitempty"`

	// Settings of the extensions Space lacks (extapps.go).
	Extensions
}

// User is a Space member who can sign in.
type User struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Rights    []string
}

// PermanentToken is a personal or application permanent token: an opaque
// string that acts for its owner until revoked.
type PermanentToken struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	UserID   string `json:"user_id,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	Scope    string `json:"scope"`
}

// Demo credentials, fixed so that the README, the tape and a newcomer can use them.
const (
	DemoClientID          = "demo-app"
	DemoClientSecret      = "demo-secret"
	DemoPublicClientID    = "demo-public"
	DemoUsername          = "demo"
	DemoPassword          = "demo"
	DemoPersonalToken     = "spt-demo-personal-0a1b2c3d4e5f"
	DemoApplicationToken  = "spt-demo-application-6a7b8c9d0e1f"
	DemoSigningKey        = "demo-signing-key-7f3a9c2e"
	DemoNoCodeFlowID      = "demo-no-code-flow"
	DemoPendingRightsID   = "demo-pending-rights"
	DemoNoRightsID        = "demo-no-rights"
	DemoNotInProjectID    = "demo-not-in-project"
	DemoMistakeSecret     = "demo-secret"
	DemoProjectKey        = "DEMO"
	demoUserID            = "2kLmX9demo"
	demoSecondUserID      = "7pQrS3alice"
	loopbackCallbackPath  = "/callback"
	demoOrgDomain         = "demo"
	projectScopePrefix    = "project:key:"
	globalScopePrefix     = "global:"
	allRights             = "**"
	serviceURLPlaceholder = "{service}"
)

var loopbackRedirects = []string{
	"http://127.0.0.1" + loopbackCallbackPath,
	"http://localhost" + loopbackCallbackPath,
	"http://[::1]" + loopbackCallbackPath,
}

// DemoApps returns the fixed registrations: one that works for every flow, a
// public one, and one for each registration mistake the error explainer covers.
func DemoApps() []App {
	return withExtensions([]App{
		{
			ClientID: DemoClientID, ClientSecret: DemoClientSecret, Name: "Demo App",
			About:             "confidential app with every flow on",
			ClientCredentials: true, CodeFlow: true, Implicit: true, DeviceFlow: true,
			RedirectURIs:    loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
			SigningKey: DemoSigningKey,
		},
		{
			ClientID: DemoPublicClientID, Name: "Demo Public Client",
			About:    "public client: no secret, PKCE required",
			CodeFlow: true, RequirePKCE: true, PublicClients: true, DeviceFlow: true,
			RedirectURIs:    loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
		},
		{
			ClientID: DemoNoCodeFlowID, ClientSecret: DemoMistakeSecret, Name: "Demo: code flow off",
			About:             "Authorization Code Flow is not enabled",
			ClientCredentials: true, RedirectURIs: loopbackRedirects,
			RequestedRights: []string{allRights}, AuthorizedRights: []string{allRights}, Projects: []string{"*"},
		},
		{
			ClientID: DemoPendingRightsID, ClientSecret: DemoMistakeSecret, Name: "Demo: rights pending",
			About:             "rights requested but not yet approved",
			ClientCredentials: true, CodeFlow: true, RedirectURIs: loopbackRedirects,
			RequestedRights: []string{"global:Profile.View", "global:Profile.Absences.View"}, Projects: []string{"*"},
		},
		{
			ClientID: DemoNoRightsID, ClientSecret: DemoMistakeSecret, Name: "Demo: no rights",
			About:             "no rights requested or authorized",
			ClientCredentials: true, CodeFlow: true, RedirectURIs: loopbackRedirects,
		},
		{
			ClientID: DemoNotInProjectID, ClientSecret: DemoMistakeSecret, Name: "Demo: not in project",
			About:             "not authorized in project DEMO",
			ClientCredentials: true, CodeFlow: true, RedirectURIs: loopbackRedirects,
			RequestedRights:  []string{"global:Profile.View", projectScopePrefix + DemoProjectKey + ":Project.Issues.View"},
			AuthorizedRights: []string{"global:Profile.View", projectScopePrefix + DemoProjectKey + ":Project.Issues.View"},
		},
	})
}

// DemoUsers returns the members who can sign in to the demo organization.
func DemoUsers() []User {
	return []User{
		{ID: demoUserID, Username: DemoUsername, Password: DemoPassword, FirstName: "Demo", LastName: "User", Email: "demo@example.test"},
		{ID: demoSecondUserID, Username: "alice", Password: "alice", FirstName: "Alice", LastName: "Liddell", Email: "alice@example.test"},
	}
}

// DemoPermanentTokens returns one personal and one application token.
func DemoPermanentTokens() []PermanentToken {
	return []PermanentToken{
		{Token: DemoPersonalToken, Name: "demo personal token", UserID: demoUserID, Scope: allRights},
		{Token: DemoApplicationToken, Name: "demo application token", ClientID: DemoClientID, Scope: allRights},
	}
}

// redirectAllowed reports whether uri exactly matches a registered redirect
// URI. For loopback URIs the port is ignored, as RFC 8252 §7.3 requires: a
// native app picks its port when it runs.
func (a *App) redirectAllowed(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Fragment != "" {
		return false
	}
	for _, reg := range a.RedirectURIs {
		if reg == uri {
			return true
		}
		r, err := url.Parse(reg)
		if err != nil || !isLoopbackHost(r.Hostname()) {
			continue
		}
		if r.Scheme == u.Scheme && r.Hostname() == u.Hostname() && r.Path == u.Path && r.RawQuery == u.RawQuery && r.Port() == "" {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool {
	return h == "127.0.0.1" || h == "::1" || h == "localhost"
}

// scopeProblem checks a requested scope against the app's rights. It returns
// "" when every element is authorized, or why not, in Space's terms.
func (a *App) scopeProblem(scope string) string {
	for _, el := range strings.Fields(scope) {
		if el == allRights || isOIDCScope(el) {
			continue
		}
		if !strings.Contains(el, ":") {
			return "scope element " + quote(el) + " is not of the form context:Permission (for example global:Profile.View)"
		}
		if slices.Contains(a.AuthorizedRights, allRights) || slices.Contains(a.AuthorizedRights, el) {
			if p := projectOf(el); p != "" && !a.inProject(p) {
				return "the application is not authorized in project " + p
			}
			continue
		}
		if slices.Contains(a.RequestedRights, el) {
			return "the right " + quote(el) + " is requested but an administrator has not approved it yet"
		}
		return "the right " + quote(el) + " is not among the rights authorized for the application"
	}
	return ""
}

func (a *App) inProject(key string) bool {
	return slices.Contains(a.Projects, "*") || slices.Contains(a.Projects, key)
}

func projectOf(el string) string {
	rest, ok := strings.CutPrefix(el, projectScopePrefix)
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(rest, ":")
	return key
}

func isOIDCScope(s string) bool {
	return s == "openid" || s == "profile" || s == "email" || s == "offline_access"
}

func quote(s string) string { return "\"" + s + "\"" }

// grants reports whether a token's scope covers a permission such as
// "Profile.View" in the global context.
func scopeGrants(scope, permission string) bool {
	for _, el := range strings.Fields(scope) {
		if el == allRights || el == globalScopePrefix+permission || el == permission {
			return true
		}
	}
	return false
}
