package spacetest

import (
	"html/template"
	"net/http"
	"strings"
	"sync"
)

// The pages imitate the shape of Space's sign-in and consent screens; the
// wording is our own. Parsed when a page is first shown, not when authplay
// starts: every command (authplay token too) would pay for it.
var pageTmpl = sync.OnceValue(func() *template.Template { return template.Must(parsePages()) })

func parsePages() (*template.Template, error) {
	return template.New("pages").Funcs(template.FuncMap{
		"rights": describeScope,
	}).Parse(`
{{define "head"}}<!doctype html><html><head><meta charset="utf-8"><title>{{.}} · Demo Space</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1f2328;margin:0}
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0002}
h1{font-size:1.1rem;margin:0 0 .2rem} .org{color:#6e7781;margin:0 0 1.5rem}
label{display:block;margin:.8rem 0 .2rem;font-size:.9rem} input{width:100%;padding:.5rem;box-sizing:border-box}
button{padding:.55rem 1.2rem;margin:1.2rem .5rem 0 0;border-radius:6px;border:1px solid #999;background:#fff}
button.primary{background:#6b57ff;color:#fff;border-color:#6b57ff} .err{color:#b3261e} code{word-break:break-all}
.note{font-size:.8rem;color:#6e7781;margin-top:1.5rem}
</style></head><body><main><h1>JetBrains Space · demo</h1><p class="org">Demo organization (built into authplay, offline)</p>{{end}}
{{define "foot"}}<p class="note">This is authplay's built-in Space-compatible server. Nothing here leaves your machine.</p></main></body></html>{{end}}

{{define "login"}}{{template "head" "Sign in"}}
<h2>Sign in to continue to {{.P.App.Name}}</h2>
{{if .Err}}<p class="err" id="error">{{.Err}}</p>{{end}}
<form method="post" action="/oauth/login">
<input type="hidden" name="request" value="{{.P.ID}}"><input type="hidden" name="csrf" value="{{.P.CSRF}}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button class="primary" id="login" type="submit">Sign in</button>
</form><p class="note">Demo members: demo / demo and alice / alice.</p>{{template "foot"}}{{end}}

{{define "consent"}}{{template "head" "Authorize"}}
<h2>{{.P.App.Name}} wants to act for you, {{.User.FirstName}}</h2>
<p>If you accept, it may:</p><ul id="rights">{{range rights .P.Scope}}<li>{{.}}</li>{{end}}
{{if eq .P.AccessType "offline"}}<li>keep access while you are away (a refresh token)</li>{{end}}</ul>
<form method="post" action="/oauth/consent">
<input type="hidden" name="request" value="{{.P.ID}}"><input type="hidden" name="csrf" value="{{.P.CSRF}}">
<button name="decision" value="cancel" id="cancel">Cancel</button>
<button class="primary" name="decision" value="accept" id="accept">Accept</button>
</form>{{template "foot"}}{{end}}

{{define "error"}}{{template "head" "Error"}}
<h2 class="err">This authorization request cannot go on</h2>
<p id="error-code"><code>{{.Code}}</code></p><p id="error-description">{{.Desc}}</p>
<p>The server did not send you back to the application, because it could not be sure the address was the application's own.</p>
{{template "foot"}}{{end}}

{{define "device"}}{{template "head" "Connect a device"}}
<h2>Connect a device</h2>
{{if .Msg}}<p id="result" class="{{if .Bad}}err{{end}}">{{.Msg}}</p>{{end}}
{{if not .Done}}<form method="post" action="/device">
<label for="user_code">Code shown on the device</label><input id="user_code" name="user_code" value="{{.Code}}" autocomplete="off">
{{if not .User}}<label for="username">Username</label><input id="username" name="username">
<label for="password">Password</label><input id="password" name="password" type="password">{{else}}<p>Signed in as {{.User.Username}}.</p>{{end}}
<button name="decision" value="cancel" id="cancel">Cancel</button>
<button class="primary" name="decision" value="accept" id="accept">Allow</button>
</form>{{end}}{{template "foot"}}{{end}}

{{define "home"}}{{template "head" "Demo Space"}}
<h2>Demo Space is running</h2><p>Service URL: <code>{{.URL}}</code></p>
<ul>{{range .Apps}}<li><code>{{.ClientID}}</code>: {{.About}}</li>{{end}}</ul>{{template "foot"}}{{end}}
`)
}

func render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	pageTmpl().ExecuteTemplate(w, name, data) //nolint:errcheck // the browser went away
}

func renderLogin(w http.ResponseWriter, p *pendingAuth, errText string) {
	render(w, http.StatusOK, "login", map[string]any{"P": p, "Err": errText})
}

func renderConsent(w http.ResponseWriter, p *pendingAuth, u *User) {
	render(w, http.StatusOK, "consent", map[string]any{"P": p, "User": u})
}

func renderError(w http.ResponseWriter, status int, code, desc string) {
	render(w, status, "error", map[string]any{"Code": code, "Desc": desc})
}

// describeScope turns scope elements into lines a person can judge.
func describeScope(scope string) []string {
	var out []string
	for _, el := range strings.Fields(scope) {
		switch {
		case el == allRights:
			out = append(out, "everything you can do in this organization")
		case el == "openid":
			out = append(out, "confirm who you are to the application (OpenID Connect)")
		case isOIDCScope(el):
			out = append(out, "see your "+el)
		default:
			out = append(out, el)
		}
	}
	return out
}
