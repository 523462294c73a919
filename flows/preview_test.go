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
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/oidctest"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// What a front door shows before a step (Pending) is exactly what the step
// sends: method, URL, headers with secrets masked, body. For every method,
// every client authentication style, with DPoP and without, every request
// of the flow and every action on the token. A DPoP proof and a client
// assertion are signed afresh at send time, so their jti or iat and exp
// (and signatures) may differ from the preview's: the rest of them,
// header and claims, must be the same (sameProof, sameAssertion).
func TestPendingIsWhatIsSent(t *testing.T) {
	s := newSpace(t)
	keyFile := writeKey(t, spacetest.DemoClientKeyPEM)
	key, err := flows.LoadClientKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range flows.Specs() {
		for _, style := range []flows.AuthStyle{flows.AuthAuto, flows.AuthBasic, flows.AuthBody, flows.AuthNone, flows.AuthPrivateKeyJWT, flows.AuthClientSecretJWT} {
			for _, dpop := range []bool{false, true} {
				m := spec.Info.Method
				if dpop && !flows.SpecOf(m).Accepts(flows.FieldDPoP) {
					continue
				}
				for _, variant := range frontChannelVariants(m) {
					t.Run(string(m)+variant.name+"/"+string(style)+"auto"[:4*boolInt(style == "")]+"/dpop"[:5*boolInt(dpop)], func(t *testing.T) {
						p := spaceParams(t, s)
						p.AuthStyle, p.Scope, p.Username, p.DPoP = style, "** openid", spacetest.DemoUsername, dpop
						p.PAR = variant.par
						if m == flows.TokenExchange {
							p.Scope = "" // the subject token's own
						}
						creds := credsFor(t, s, m)
						if variant.signed {
							p.RequestObject, p.PrivateKeyFile, creds.ClientKey = true, keyFile, key
						}
						switch style {
						case flows.AuthPrivateKeyJWT:
							p.ClientID, p.PrivateKeyFile, creds.ClientSecret, creds.ClientKey = spacetest.DemoJWTClientID, keyFile, "", key
						case flows.AuthClientSecretJWT:
							p.ClientID, creds.ClientSecret = spacetest.DemoJWTClientID, spacetest.DemoJWTClientSecret
						}
						// Custom parameters are part of what is shown and sent.
						p.AuthParams = flows.CustomParams{{Key: "login_hint", Value: "demo"}}
						p.TokenParams = flows.CustomParams{{Key: "resource", Value: "https://api.example/v1"}}
						d := flows.Draft{Method: m, Params: p, Creds: creds, Seed: seedFor(t, s, m, p, creds)}
						pendingIsSent(t, s, d)
					})
				}
			}
		}
	}
}

// pendingIsSent runs a draft to its end, comparing what each request's
// preview showed with what was sent, then does the same for each action
// on the token.
func pendingIsSent(t *testing.T, s *spacetest.Server, d flows.Draft) {
	t.Helper()
	m := d.Method
	st, creds := d.Start()
	mach, err := flows.New(st, creds)
	if err != nil {
		t.Fatal(err)
	}
	env, raw := recordingEnv(t)
	env.Sleep = func(context.Context, time.Duration) error { return nil }
	compared, pushes := 0, 0
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
			shown := want.Shown()
			sent := step.Exchanges[0].Request
			if want.Purpose == flows.PurposePAR {
				// The push names the redirect URI the listener got, as the browser's URL does.
				shown.Body = strings.Replace(shown.Body, url.QueryEscape(d.Params.RedirectURI), url.QueryEscape(mach.State().RedirectURI), 1)
				if want.Form.Has("request") {
					// Signed again as it is sent, around the listener's redirect URI.
					sameRequestObject(t, "the pushed", want.Form.Get("request"), raw.last(t).Get("request"), mach.State().RedirectURI)
					shown.Body, sent.Body = withoutForm(shown.Body, "request"), withoutForm(sent.Body, "request")
				}
				pushes++
			}
			sameMessage(t, step.Caption, shown, sent)
			sameAssertion(t, step.Caption, want, raw)
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
	if d.Params.PAR && pushes == 0 {
		t.Fatal("PAR is on, but no push was compared")
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
		sameAssertion(t, string(a), want, raw)
		actions++
		if d.Params.DPoP && (a == flows.ActionCallAPI || a == flows.ActionRefresh) && len(want.Header["Dpop"]) != 1 {
			t.Errorf("%s with DPoP on: the preview shows no proof", a)
		}
	}
	if actions == 0 {
		t.Error("no action was compared")
	}
}

// frontChannelVariant is a way the authorization request can travel.
type frontChannelVariant struct {
	name        string
	par, signed bool
}

// frontChannelVariants are the ways a method's authorization request can
// travel: in the URL, and for the code flow also pushed (PAR), as a
// request object (JAR), or both.
func frontChannelVariants(m flows.Method) []frontChannelVariant {
	out := []frontChannelVariant{{}}
	if m == flows.AuthorizationCode {
		out = append(out, frontChannelVariant{name: "+par", par: true}, frontChannelVariant{name: "+jar", signed: true},
			frontChannelVariant{name: "+par+jar", par: true, signed: true})
	}
	return out
}

// sameRequestObject: the request object sent has the header and claims of
// the one shown, but for the times it was signed at and the listener's
// port in its redirect_uri.
func sameRequestObject(t *testing.T, what, shown, sent, redirect string) {
	t.Helper()
	want, err := jwtcheck.Decode(shown)
	if err != nil {
		t.Fatalf("%s request object shown: %v", what, err)
	}
	got, err := jwtcheck.Decode(sent)
	if err != nil {
		t.Fatalf("%s request object sent: %v", what, err)
	}
	for _, c := range []string{"iat", "exp"} {
		delete(want.Claims, c)
		delete(got.Claims, c)
	}
	if strings.Contains(want.Str("redirect_uri"), ":0/") {
		want.Claims["redirect_uri"] = redirect
	}
	if !reflect.DeepEqual(want.Header, got.Header) || !reflect.DeepEqual(want.Claims, got.Claims) {
		t.Errorf("%s request object shown %v %v, sent %v %v", what, want.Header, want.Claims, got.Header, got.Claims)
	}
}

// withoutForm is a form body without one parameter.
func withoutForm(body, key string) string {
	f, _ := url.ParseQuery(body)
	f.Del(key)
	return f.Encode()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seedFor is what a method needs brought: a refresh token (issued to the
// client of p), or a token.
func seedFor(t *testing.T, s *spacetest.Server, m flows.Method, p flows.Params, creds flows.Credentials) flows.Secret {
	switch m {
	case flows.PermanentToken:
		return spacetest.DemoPersonalToken
	case flows.RefreshToken:
		p.AccessType, p.Username, p.Scope, p.DPoP = "offline", spacetest.DemoUsername, "**", false
		creds.Password = spacetest.DemoPassword
		if p.AuthStyle == flows.AuthNone {
			p.AuthStyle = flows.AuthBasic // demo-app has a secret; the refresh itself then goes without
		}
		mach, _ := flows.New(flows.Start(flows.Password, p), creds)
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

// sameAssertion: the client assertion sent has the header and claims of
// the one shown, but for the times it was signed at.
func sameAssertion(t *testing.T, what string, shown flows.Request, raw *rawForms) {
	t.Helper()
	if shown.Form.Get("client_assertion") == "" {
		return
	}
	want, err := jwtcheck.Decode(shown.Form.Get("client_assertion"))
	if err != nil {
		t.Fatalf("%s: the assertion shown: %v", what, err)
	}
	got, err := jwtcheck.Decode(raw.last(t).Get("client_assertion"))
	if err != nil {
		t.Fatalf("%s: the assertion sent: %v", what, err)
	}
	for _, c := range []string{"iat", "exp"} {
		delete(want.Claims, c)
		delete(got.Claims, c)
	}
	if !reflect.DeepEqual(want.Header, got.Header) || !reflect.DeepEqual(want.Claims, got.Claims) {
		t.Errorf("%s: assertion shown %v %v, sent %v %v", what, want.Header, want.Claims, got.Header, got.Claims)
	}
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
	if q.Has("request") {
		sq := sent.Query()
		sameRequestObject(t, "the authorization URL's", q.Get("request"), sq.Get("request"), st.RedirectURI)
		q.Del("request")
		sq.Del("request")
		sent.RawQuery = sq.Encode()
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
