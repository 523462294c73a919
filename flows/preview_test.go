package flows_test

import (
	"context"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// What a front door shows before a step (Pending) is exactly what the step
// sends: method, URL, headers with secrets masked, body. For every method,
// every client authentication style, with DPoP and without, every request
// of the flow and every action on the token. A DPoP proof is signed afresh
// at send time, so its jti and iat (and signature) differ from the
// preview's: the rest of it, header and claims, must be the same.
func TestPendingIsWhatIsSent(t *testing.T) {
	s := newSpace(t)
	for _, spec := range flows.Specs() {
		for _, style := range []flows.AuthStyle{flows.AuthAuto, flows.AuthBasic, flows.AuthBody, flows.AuthNone} {
			for _, dpop := range []bool{false, true} {
				m := spec.Info.Method
				if dpop && !flows.SpecOf(m).Accepts(flows.FieldDPoP) {
					continue
				}
				t.Run(string(m)+"/"+string(style)+"auto"[:4*boolInt(style == "")]+"/dpop"[:5*boolInt(dpop)], func(t *testing.T) {
					p := spaceParams(t, s)
					p.AuthStyle, p.Scope, p.Username, p.DPoP = style, "** openid", spacetest.DemoUsername, dpop
					if m == flows.TokenExchange {
						p.Scope = "" // the subject token's own
					}
					// Custom parameters are part of what is shown and sent.
					p.AuthParams = flows.CustomParams{{Key: "login_hint", Value: "demo"}}
					p.TokenParams = flows.CustomParams{{Key: "resource", Value: "https://api.example/v1"}}
					d := flows.Draft{Method: m, Params: p, Creds: credsFor(t, s, m), Seed: seedFor(t, s, m)}
					st, creds := d.Start()
					mach, err := flows.New(st, creds)
					if err != nil {
						t.Fatal(err)
					}
					env := newEnv(t)
					env.Sleep = func(context.Context, time.Duration) error { return nil }
					compared := 0
					for i := 0; i < 6 && mach.State().Phase != flows.PhaseAuthorized && mach.State().Phase != flows.PhaseFailed; i++ {
						want, ok, err := mach.Pending(flows.Input{})
						if err != nil {
							t.Fatal(err)
						}
						authURL := mach.State().AuthURL
						step, _ := mach.Next(context.Background(), env, flows.Input{})
						switch {
						case ok && want.Browser:
							comparableAuthURL(t, want, mach.State())
							compared++
							go approveHeadless(t, s, mach.State().AuthURL)
						case ok:
							if len(step.Exchanges) == 0 {
								t.Fatalf("%s: nothing was sent; pending was %+v", step.Caption, want.Shown())
							}
							sameMessage(t, step.Caption, want.Shown(), step.Exchanges[0].Request)
							compared++
						case authURL == "":
							t.Fatalf("%s sent %d request(s) but Pending said none", step.Caption, len(step.Exchanges))
						}
						if m == flows.DeviceCode && mach.State().Phase == flows.PhaseAwaitingUser && mach.State().Device.Polls == 0 {
							if err := s.ApproveDevice(mach.State().Device.UserCode, spacetest.DemoUsername, true); err != nil {
								t.Fatal(err)
							}
						}
					}
					if compared == 0 {
						t.Fatal("no request was compared")
					}
					if mach.State().Phase != flows.PhaseAuthorized {
						return // this style is refused here; its requests were compared
					}
					actions := 0
					for _, a := range []flows.Action{flows.ActionIntrospect, flows.ActionCallAPI, flows.ActionRefresh, flows.ActionRevoke} {
						if !mach.State().Can(a) {
							continue
						}
						want, _, err := mach.Pending(flows.Input{Action: a})
						if err != nil {
							t.Fatal(err)
						}
						step, _ := mach.Next(context.Background(), env, flows.Input{Action: a})
						sameMessage(t, string(a), want.Shown(), step.Exchanges[0].Request)
						actions++
						if dpop && (a == flows.ActionCallAPI || a == flows.ActionRefresh) && len(want.Header["Dpop"]) != 1 {
							t.Errorf("%s with DPoP on: the preview shows no proof", a)
						}
					}
					if actions == 0 {
						t.Error("no action was compared")
					}
				})
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seedFor is what a method needs brought: a refresh token, or a token.
func seedFor(t *testing.T, s *spacetest.Server, m flows.Method) flows.Secret {
	switch m {
	case flows.PermanentToken:
		return spacetest.DemoPersonalToken
	case flows.RefreshToken:
		p := spaceParams(t, s)
		p.AccessType, p.Username = "offline", spacetest.DemoUsername
		mach, _ := flows.New(flows.Start(flows.Password, p), demoCreds())
		run(t, mach, newEnv(t), flows.Input{})
		return mach.State().Token.RefreshToken
	}
	return ""
}

// credsFor are the demo client's secrets, and what a method trades: a
// token to exchange (and an actor's), or an assertion signed with the key
// the built-in server trusts, fresh each time since its jti works once.
func credsFor(t *testing.T, s *spacetest.Server, m flows.Method) flows.Credentials {
	creds := demoCreds()
	switch m {
	case flows.TokenExchange:
		creds.SubjectToken, creds.ActorToken = tokenFor(t, s, flows.Password), tokenFor(t, s, flows.ClientCredentials)
	case flows.JWTBearer:
		creds.Assertion = flows.Secret(signJWT(t, demoClientKey(t), assertionClaims(s, spacetest.DemoUsername)))
	}
	return creds
}

func sameMessage(t *testing.T, what string, want, got wire.Message) {
	t.Helper()
	want.Header, got.Header = sameProof(t, what, want.Header, got.Header)
	if want.Method != got.Method || want.URL != got.URL || want.Body != got.Body || !reflect.DeepEqual(want.Header, got.Header) {
		t.Errorf("%s: shown before\n  %s %s\n  %v\n  %s\nbut sent\n  %s %s\n  %v\n  %s", what, want.Method, want.URL, want.Header, want.Body, got.Method, got.URL, got.Header, got.Body)
	}
}

// comparableAuthURL: the authorization URL shown is the one the browser is
// sent to, but for the redirect URI's port, which the listener picks when
// the flow starts (port 0 in the shown one).
func comparableAuthURL(t *testing.T, want flows.Request, st flows.State) {
	t.Helper()
	shown, _ := url.Parse(want.URL)
	sent, _ := url.Parse(st.AuthURL)
	q := shown.Query()
	if strings.Contains(q.Get("redirect_uri"), ":0/") {
		q.Set("redirect_uri", st.RedirectURI)
	}
	shown.RawQuery = q.Encode()
	if shown.String() != sent.String() {
		t.Errorf("authorization URL shown\n  %s\nbut sent\n  %s", shown, sent)
	}
}

// The same for the OIDC response types and modes, against a generic
// server that takes them all: the authorization URL shown is the one the
// server got, and each token request shown is the one sent, custom
// parameters (and an override of authplay's own) included.
func TestPendingIsWhatIsSentForOIDCResponses(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{
		ResponseTypes: []string{"code", "code id_token", "code token", "code id_token token", "token", "id_token", "id_token token"},
		ResponseModes: []string{"query", "fragment", "form_post"},
	})
	env := newEnv(t)
	for _, method := range []flows.Method{flows.AuthorizationCode, flows.Implicit} {
		f, _ := flows.Field(flows.FieldResponseType)
		for _, rt := range f.ChoicesFor(method) {
			modes := []string{"", flows.ModeFragment, flows.ModeFormPost}
			if rt.Value == "code" {
				modes = append(modes, flows.ModeQuery)
			}
			for _, mode := range modes {
				t.Run(string(method)+"/"+rt.Value+"/"+mode, func(t *testing.T) {
					p := oidcParams(t, s, env)
					p.AuthStyle, p.ResponseType, p.ResponseMode = flows.AuthBody, rt.Value, mode
					p.AuthParams = flows.CustomParams{{Key: "prompt", Value: "consent"}, {Key: "max_age", Value: "0"}}
					// client_id is authplay's (client_secret_post); replacing it
					// with the same value keeps the run working and must be named.
					p.TokenParams = flows.CustomParams{{Key: "resource", Value: "https://api.example/v1"}, {Key: "client_id", Value: oidctest.ClientID}}
					d := flows.Draft{Method: method, Params: p, Creds: oidcCreds()}
					if errs := d.Check(); len(errs) > 0 {
						t.Fatalf("the draft does not pass its own checks: %v", errs)
					}
					st, creds := d.Start()
					m, _ := flows.New(st, creds)
					compared := 0
					for i := 0; i < 4 && m.State().Phase != flows.PhaseAuthorized; i++ {
						want, ok, err := m.Pending(flows.Input{})
						if err != nil {
							t.Fatal(err)
						}
						before := len(s.Requests("/authorize"))
						step := run(t, m, env, flows.Input{})
						switch {
						case ok && want.Browser:
							comparableAuthURL(t, want, m.State())
							go oidctest.Browse(m.State().AuthURL) //nolint:errcheck // the next step says what arrived
							compared++
							waitFor(t, func() bool { return len(s.Requests("/authorize")) > before })
							got := s.Requests("/authorize")[before].Query
							if sent := query(t, m.State().AuthURL); !reflect.DeepEqual(got, sent) {
								t.Errorf("the server got\n  %v\nbut authplay recorded\n  %v", got, sent)
							}
							if got.Get("prompt") != "consent" || got.Get("response_mode") != mode {
								t.Errorf("sent %v", got)
							}
						case ok:
							sameMessage(t, step.Caption, want.Shown(), step.Exchanges[0].Request)
							if !strings.Contains(strings.Join(step.Notes, " "), "overrides authplay's own client_id") {
								t.Errorf("the exchange does not name the override: %v", step.Notes)
							}
							compared++
						}
					}
					if m.State().Phase != flows.PhaseAuthorized || compared != map[flows.Method]int{flows.AuthorizationCode: 2, flows.Implicit: 1}[method] {
						t.Fatalf("phase %s, %d request(s) compared", m.State().Phase, compared)
					}
				})
			}
		}
	}
}

// waitFor polls cond until it holds, for at most ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// sameProof compares the DPoP proofs of two headers but for what a send
// makes afresh (jti, iat), and returns the headers without them.
func sameProof(t *testing.T, what string, want, got map[string][]string) (map[string][]string, map[string][]string) {
	t.Helper()
	w, g := want["Dpop"], got["Dpop"]
	if len(w) != len(g) {
		t.Errorf("%s: %d DPoP proof(s) shown, %d sent", what, len(w), len(g))
		return want, got
	}
	for i := range w {
		pw, errW := flows.ReadProof(w[i])
		pg, errG := flows.ReadProof(g[i])
		if errW != nil || errG != nil {
			t.Errorf("%s: proofs that do not decode: %v, %v", what, errW, errG)
			continue
		}
		if pw.Claim("jti") == pg.Claim("jti") {
			t.Errorf("%s: the proof sent reuses the preview's jti", what)
		}
		for _, v := range []*flows.ProofView{&pw, &pg} {
			v.Claims = slices.DeleteFunc(v.Claims, func(c flows.ProofClaim) bool { return c.Name == "jti" || c.Name == "iat" })
		}
		if !reflect.DeepEqual(pw, pg) {
			t.Errorf("%s: DPoP proof shown\n  %+v\nbut sent\n  %+v", what, pw, pg)
		}
	}
	strip := func(h map[string][]string) map[string][]string {
		out := maps.Clone(h)
		delete(out, "Dpop")
		return out
	}
	return strip(want), strip(got)
}
