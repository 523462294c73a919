package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// oidcDeps is the golden deps with a generic OIDC server instead of the
// built-in one.
func oidcDeps(m flows.Method) Deps {
	deps := goldenDeps()
	deps.Flow = m
	deps.Profile.Params.Provider = flows.Provider{Kind: flows.KindDiscovery, Name: "idp.example", Issuer: "https://idp.example",
		AuthURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token"}
	deps.Profile.Params.Scope = "openid"
	return deps
}

func rowIDs(f *form) []string {
	var ids []string
	for _, r := range f.rows.rows {
		ids = append(ids, r.id)
	}
	return ids
}

func focusRow(t *testing.T, a *App, id string) *form {
	t.Helper()
	f := a.screen.(*form)
	for range len(f.rows.rows) {
		if f.rows.focused().id == id {
			return f
		}
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	t.Fatalf("no row %s among %v", id, rowIDs(f))
	return nil
}

func typeText(a *App, s string) {
	for _, r := range s {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// The form shows a field only where it applies: Space's access type for
// Space and the built-in server alone; the response type and mode for the
// redirect methods; custom parameters where a request takes them.
func TestFormShowsFieldsWhereTheyApply(t *testing.T) {
	has := func(f *form, id flows.FieldID) bool { return f.rows.row(string(id)) != nil }
	builtin := goldenApp(t, func() Deps { d := goldenDeps(); d.Flow = flows.AuthorizationCode; return d }()).screen.(*form)
	generic := goldenApp(t, oidcDeps(flows.AuthorizationCode)).screen.(*form)
	if !has(builtin, flows.FieldAccessType) || has(generic, flows.FieldAccessType) {
		t.Errorf("access type: built-in %v, generic %v", rowIDs(builtin), rowIDs(generic))
	}
	for _, id := range []flows.FieldID{flows.FieldResponseType, flows.FieldResponseMode, flows.FieldAuthParams, flows.FieldTokenParams} {
		if !has(generic, id) {
			t.Errorf("the code flow's form lacks %s: %v", id, rowIDs(generic))
		}
	}
	cc := goldenApp(t, oidcDeps(flows.ClientCredentials)).screen.(*form)
	if has(cc, flows.FieldResponseType) || has(cc, flows.FieldAuthParams) || !has(cc, flows.FieldTokenParams) {
		t.Errorf("client credentials: %v", rowIDs(cc))
	}
	imp := goldenApp(t, oidcDeps(flows.Implicit)).screen.(*form)
	if has(imp, flows.FieldTokenParams) || imp.rows.row(string(flows.FieldResponseType)).choices[0].Value != "token" {
		t.Errorf("implicit: %v", rowIDs(imp))
	}
	// The preview to a generic server carries no Space parameter.
	if v := view(goldenApp(t, oidcDeps(flows.AuthorizationCode))); strings.Contains(v, "access_type") {
		t.Errorf("the preview to a generic server has access_type:\n%s", v)
	}
}

// A response type is chosen per method; its value reaches the preview.
func TestFormResponseTypeAndMode(t *testing.T) {
	a := goldenApp(t, oidcDeps(flows.Implicit))
	f := focusRow(t, a, string(flows.FieldResponseType))
	a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	if f.draft.Params.ResponseType != "id_token token" {
		t.Fatalf("response type %q", f.draft.Params.ResponseType)
	}
	focusRow(t, a, string(flows.FieldResponseMode))
	for f.draft.Params.ResponseMode != flows.ModeFormPost {
		a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	v := view(a)
	if !strings.Contains(v, "‹ id_token token ›") || !strings.Contains(v, "‹ form_post ›") {
		t.Errorf("the rows:\n%s", v)
	}
	_, req := f.preview()
	if req = strings.ReplaceAll(req, "\n", ""); !strings.Contains(req, "response_type=id_token+token") || !strings.Contains(req, "response_mode=form_post") || !strings.Contains(req, "nonce=") {
		t.Errorf("preview %s", req)
	}
	// query cannot carry tokens: said beside the row, and the run is refused.
	for f.draft.Params.ResponseMode != flows.ModeQuery {
		a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	if !strings.Contains(view(a), "query cannot carry tokens") {
		t.Errorf("no note beside the mode:\n%s", view(a))
	}
	if _, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		if _, ok := cmd().(submitMsg); ok {
			t.Error("a token in a query was submitted")
		}
	}
}

// The custom parameters row: one line of key=value pairs, the meaning of
// a well-known one beside it while the cursor is in it, a clear error for
// a malformed pair (but not while it is still being typed), the pairs in
// the preview, and an override of authplay's own parameter warned about.
func TestFormCustomParametersRow(t *testing.T) {
	a := goldenApp(t, oidcDeps(flows.AuthorizationCode))
	f := focusRow(t, a, string(flows.FieldAuthParams))
	typeText(a, "prompt")
	if v := view(a); strings.Contains(v, "has no =") || !strings.Contains(v, "prompt: login signs in again") {
		t.Errorf("while the key is typed, its meaning shows and no error:\n%s", v)
	}
	typeText(a, "=consent audience")
	if v := view(a); !strings.Contains(v, "audience: the API") {
		t.Errorf("the hint follows the cursor to audience:\n%s", v)
	}
	typeText(a, "=https://api&state=mine")
	if got := f.draft.Params.AuthParams.String(); got != "prompt=consent audience=https://api state=mine" {
		t.Fatalf("draft %q", got)
	}
	v := view(a)
	if !strings.Contains(v, "⚠ state: your custom value overrides authplay's own") {
		t.Errorf("the preview does not warn:\n%s", v)
	}
	_, req := f.preview()
	for _, want := range []string{"audience=https%3A%2F%2Fapi", "prompt=consent", "state=mine"} {
		if !strings.Contains(strings.ReplaceAll(req, "\n", ""), want) {
			t.Errorf("the preview lacks %q:\n%s", want, req)
		}
	}
	if lines := strings.Split(v, "\n"); len(lines) > 24 {
		t.Errorf("%d lines at 80×24", len(lines))
	}
	// A malformed pair, once the cursor leaves it, is named; the run is
	// refused with it and the draft keeps its last good value.
	typeText(a, " broken x=1")
	if v := view(a); !strings.Contains(v, `"broken" has no =`) {
		t.Errorf("the malformed pair is not named:\n%s", v)
	}
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd != nil {
		if _, ok := cmd().(submitMsg); ok {
			t.Fatal("a malformed pair was submitted")
		}
	}
	if !strings.Contains(f.err, `Auth parameters: "broken" has no =`) || f.draft.Params.AuthParams.String() != "prompt=consent audience=https://api state=mine" {
		t.Errorf("err %q, draft %q", f.err, f.draft.Params.AuthParams.String())
	}
}

// response_type=id_token brings an ID token alone: the inspector says so,
// copies the ID token, offers no API call, and the copy-as forms that
// need an access token say there is none instead of printing an empty one.
func TestInspectorWithAnIDTokenAlone(t *testing.T) {
	a := goldenApp(t, goldenDeps())
	sess := authorizedSession()
	sess.Method, sess.State.Method = flows.Implicit, flows.Implicit
	idt := fixedJWT(`{"sub":"u1","preferred_username":"alice","aud":"demo-app"}`)
	sess.State.Token = &flows.Token{IDToken: flows.Secret(idt), Raw: []byte(`{"id_token":"` + idt + `"}`)}
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.checkInput = &flows.CheckInput{ClientID: "demo-app", JWKSError: "the test has no key set"}
	show(a, in)
	v := view(a)
	if !strings.Contains(v, "ID token  eyJ") || !strings.Contains(v, "user alice signed in") || strings.Contains(v, "call API") {
		t.Errorf("the inspector:\n%s", v)
	}
	if _, cmd := a.Update(tea.KeyPressMsg{Code: 'a', Text: "a"}); cmd != nil {
		t.Errorf("a started an API call without an access token")
	}
	for _, form := range []string{"access_token", "header", "curl", "export"} {
		if out, err := FormatToken(sess.State, form); err == nil || out != "" {
			t.Errorf("%s: %q %v", form, out, err)
		}
	}
	if out, err := FormatToken(sess.State, "json"); err != nil || !strings.Contains(out, idt) {
		t.Errorf("json: %q %v", out, err)
	}
}
