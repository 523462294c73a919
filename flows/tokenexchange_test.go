package flows_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// tokenFor runs a method against the built-in server as demo-app and
// returns its access token: a subject or actor token to exchange.
func tokenFor(t *testing.T, s *spacetest.Server, m flows.Method) flows.Secret {
	t.Helper()
	p := spaceParams(t, s)
	p.Username = spacetest.DemoUsername
	mach, err := flows.New(flows.Start(m, p), demoCreds())
	if err != nil {
		t.Fatal(err)
	}
	run(t, mach, newEnv(t), flows.Input{})
	return mach.State().Token.AccessToken
}

func exchanger(t *testing.T, s *spacetest.Server, x flows.ExchangeParams, subject, actor flows.Secret) flows.Machine {
	t.Helper()
	p := spaceParams(t, s)
	p.Scope, p.Exchange = "", x
	creds := demoCreds()
	creds.SubjectToken, creds.ActorToken = subject, actor
	m, err := flows.New(flows.Start(flows.TokenExchange, p), creds)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func verdictOf(vs []flows.Verdict, check string) (flows.Verdict, bool) {
	for _, v := range vs {
		if v.Check == check {
			return v, true
		}
	}
	return flows.Verdict{}, false
}

// A user's token traded for one aimed at another client of the built-in
// server: without an actor the new token simply is the user's
// (impersonation), with one it names the actor (delegation). Each step
// says what was sent and what came back, and the checks tell the two apart.
func TestTokenExchangeAgainstTheBuiltInServer(t *testing.T) {
	s := newSpace(t)
	user := tokenFor(t, s, flows.Password)
	service := tokenFor(t, s, flows.ClientCredentials)

	m := exchanger(t, s, flows.ExchangeParams{Audience: spacetest.DemoPublicClientID}, user, "")
	step := run(t, m, newEnv(t), flows.Input{})
	st := m.State()
	if st.Phase != flows.PhaseAuthorized {
		t.Fatalf("phase %s", st.Phase)
	}
	j, err := jwtcheck.Decode(st.Token.AccessToken.Reveal())
	if err != nil || j.Str("aud") != spacetest.DemoPublicClientID || j.Claims["act"] != nil {
		t.Fatalf("impersonation token: %v %v", err, j)
	}
	for _, want := range []string{"subject token, an access token (urn:ietf:params:oauth:token-type:access_token)", "audience " + spacetest.DemoPublicClientID,
		"answered with an access token (urn:ietf:params:oauth:token-type:access_token) (issued_token_type)", "impersonation", "RFC 8693"} {
		if !strings.Contains(step.WhatHappened, want) {
			t.Errorf("the step does not say %q:\n%s", want, step.WhatHappened)
		}
	}
	sent := step.Exchanges[0].Request.Body
	if !strings.Contains(sent, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange") || strings.Contains(sent, user.Reveal()) {
		t.Errorf("the recorded request: %s", sent)
	}
	if v, ok := verdictOf(flows.Judge(st, flows.OfflineChecks(st.Token.ObtainedAt, st)), "act"); !ok || v.Outcome != flows.NotApplicable || !strings.Contains(v.Detail, "impersonation") {
		t.Errorf("act verdict without an actor: %+v", v)
	}
	if call := run(t, m, newEnv(t), flows.Input{Action: flows.ActionCallAPI}); !call.OK || !strings.Contains(m.State().ActsFor(), "demo") {
		t.Errorf("the exchanged token does not act for demo at the API: %+v, acts for %q", call, m.State().ActsFor())
	}

	d := exchanger(t, s, flows.ExchangeParams{RequestedTokenType: "urn:ietf:params:oauth:token-type:jwt", Resource: s.URL + "/api/http"}, user, service)
	step = run(t, d, newEnv(t), flows.Input{})
	st = d.State()
	if !strings.Contains(step.WhatHappened, "a JWT (urn:ietf:params:oauth:token-type:jwt) (issued_token_type)") ||
		!strings.Contains(step.WhatHappened, "act claim says "+spacetest.DemoClientID+" acts for the subject (delegation)") {
		t.Errorf("the delegation step:\n%s", step.WhatHappened)
	}
	v, ok := verdictOf(flows.Judge(st, flows.OfflineChecks(st.Token.ObtainedAt, st)), "act")
	if !ok || v.Outcome != flows.Pass || !strings.Contains(v.Detail, "delegation") || !strings.Contains(v.Detail, spacetest.DemoClientID+" acts for the subject") {
		t.Errorf("act verdict with an actor: %+v", v)
	}
	if got := st.ActsFor(); got != "user demo, via "+spacetest.DemoClientID {
		t.Errorf("acts for %q", got)
	}

	// Exchanged again with the same actor, the earlier act nests inside.
	n := exchanger(t, s, flows.ExchangeParams{}, st.Token.AccessToken, service)
	run(t, n, newEnv(t), flows.Input{})
	nst := n.State()
	v, _ = verdictOf(flows.Judge(nst, flows.OfflineChecks(nst.Token.ObtainedAt, nst)), "act")
	if !strings.Contains(v.Detail, "earlier actors, latest first: "+spacetest.DemoClientID) {
		t.Errorf("nested act: %+v", v)
	}
}

// The tokens a token exchange sends are masked wherever a person reads the
// request: the preview, the recorded step, a diagnosis.
func TestTokenExchangeMasksBothTokens(t *testing.T) {
	s := newSpace(t)
	user := tokenFor(t, s, flows.Password)
	service := tokenFor(t, s, flows.ClientCredentials)
	m := exchanger(t, s, flows.ExchangeParams{}, user, service)
	req, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	step := run(t, m, newEnv(t), flows.Input{})
	for what, text := range map[string]string{"preview": req.Shown().Body, "step": step.Exchanges[0].Request.Body} {
		for name, secret := range map[string]flows.Secret{"subject": user, "actor": service} {
			if strings.Contains(text, secret.Reveal()) {
				t.Errorf("the %s shows the %s token whole: %s", what, name, text)
			}
		}
	}
}

// Each refusal of the built-in server is explained in its words.
func TestTokenExchangeRefusalsAreExplained(t *testing.T) {
	s := newSpace(t)
	user := tokenFor(t, s, flows.Password)
	for _, c := range []struct {
		name     string
		x        flows.ExchangeParams
		subject  flows.Secret
		code     string
		fix, why string
	}{
		{"a refresh token as the subject", flows.ExchangeParams{SubjectTokenType: "urn:ietf:params:oauth:token-type:refresh_token"}, user, "unsupported_token_type", "access token", "type"},
		{"an audience the server does not know", flows.ExchangeParams{Audience: "https://api.example"}, user, "invalid_target", spacetest.DemoPublicClientID, "audience or resource"},
		{"a token the server never issued", flows.ExchangeParams{}, "not-a-token-of-this-server", "invalid_grant", "fresh", "subject token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			step, _ := failsWith(t, exchanger(t, s, c.x, c.subject, ""), c.code)
			d := step.Diagnosis
			if !strings.Contains(d.Fix, c.fix) || !strings.Contains(d.Cause, c.why) {
				t.Errorf("diagnosis:\nfix: %s\nwhy: %s", d.Fix, d.Cause)
			}
			if strings.Contains(d.Fix+d.Cause+d.Raw+step.WhatHappened, c.subject.Reveal()) && len(c.subject) > 20 {
				t.Error("the subject token is in the diagnosis")
			}
		})
	}
}

// Nothing is sent without a subject token, or with a resource RFC 8707
// forbids; the draft's checks say so as the person types.
func TestTokenExchangeSettings(t *testing.T) {
	s := newSpace(t)
	_, ok, err := exchanger(t, s, flows.ExchangeParams{}, "", "").Pending(flows.Input{})
	if ok || err == nil || !strings.Contains(err.Error(), "no subject token") {
		t.Fatalf("no subject token: %v %v", ok, err)
	}
	_, ok, err = exchanger(t, s, flows.ExchangeParams{Resource: s.URL + "/api#x"}, "tok", "").Pending(flows.Input{})
	if ok || err == nil || !strings.Contains(err.Error(), "fragment") {
		t.Fatalf("a resource with a fragment: %v %v", ok, err)
	}
	d := flows.Draft{Method: flows.TokenExchange}
	for id, v := range map[flows.FieldID]string{flows.FieldSubjectTokenType: "id_token", flows.FieldActorTokenType: "JWT", flows.FieldRequestedTokenType: "urn:ietf:params:oauth:token-type:jwt"} {
		if err := d.Set(id, v); err != nil {
			t.Fatalf("%s %q: %v", id, v, err)
		}
	}
	if x := d.Params.Exchange; x.SubjectTokenType != "urn:ietf:params:oauth:token-type:id_token" || x.ActorTokenType != "urn:ietf:params:oauth:token-type:jwt" || x.RequestedTokenType != "urn:ietf:params:oauth:token-type:jwt" {
		t.Errorf("types as set: %+v", x)
	}
	if err := d.Set(flows.FieldSubjectTokenType, "token"); err == nil || !strings.Contains(err.Error(), "access token") {
		t.Errorf("an unknown type: %v", err)
	}
	d.Set(flows.FieldResource, "api/relative") //nolint:errcheck // a text field takes any text
	found := false
	for _, fe := range d.Check() {
		found = found || (fe.Field == flows.FieldResource && strings.Contains(fe.Err, "absolute"))
	}
	if !found {
		t.Errorf("a relative resource passes the checks: %v", d.Check())
	}
}

// A server may issue something that is not an access token (token_type
// N_A) and ought to say what it issued; both are told, not fatal.
func TestTokenExchangeNotAnAccessToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "opaque-issued-token-0123456789", "token_type": "N_A", "expires_in": 60}) //nolint:errcheck
	}))
	defer srv.Close()
	p := flows.Params{Provider: flows.Provider{TokenURL: srv.URL + "/token"}, ClientID: "c"}
	m, _ := flows.New(flows.Start(flows.TokenExchange, p), flows.Credentials{SubjectToken: "subject-token"})
	step := run(t, m, newEnv(t), flows.Input{})
	notes := strings.Join(step.Notes, "\n")
	if m.State().Token.TokenType != "N_A" || !strings.Contains(notes, "N_A") || !strings.Contains(notes, "no issued_token_type") || !strings.Contains(step.WhatHappened, "opaque") {
		t.Errorf("token type %q; notes:\n%s\n%s", m.State().Token.TokenType, notes, step.WhatHappened)
	}
}

// Where a provider has the grant, its registration steps say how to turn it
// on in its console; where it has none, they say so.
func TestGrantRegistrationSaysWhereItExists(t *testing.T) {
	for _, c := range []struct {
		family flows.Family
		m      flows.Method
		want   string
	}{
		{"keycloak", flows.TokenExchange, "Standard token exchange"},
		{"okta", flows.TokenExchange, "tick the Token Exchange grant type"},
		{"entra", flows.TokenExchange, "has no RFC 8693 token exchange; its on-behalf-of flow"},
		{"github", flows.TokenExchange, "GitHub has no token exchange"},
		{"google", flows.JWTBearer, "aud https://oauth2.googleapis.com/token"},
		{"entra", flows.JWTBearer, "requested_token_use=on_behalf_of"},
		{"cognito", flows.JWTBearer, "AWS Cognito has no JWT bearer grant"},
		{flows.FamilyOIDC, flows.JWTBearer, "Register the issuer whose assertions the server should trust"},
	} {
		p := flows.Params{Provider: flows.Provider{Kind: flows.KindEndpoints, Family: c.family, TokenURL: "https://as.example/token"}, ClientID: "my-app"}
		if all := strings.Join(flows.Registration(c.m, p), "\n"); !strings.Contains(all, c.want) {
			t.Errorf("%s, %s: the steps do not say %q:\n%s", c.family, c.m, c.want, all)
		}
	}
}
