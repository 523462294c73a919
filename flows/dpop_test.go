package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// dpopParams are the built-in server's params with DPoP on.
func dpopParams(t *testing.T, s *spacetest.Server) flows.Params {
	p := spaceParams(t, s)
	p.DPoP = true
	return p
}

// dpopPublic is demo-dpop-app: a public client that must send proofs,
// with server nonces at the token endpoint and at the API.
func dpopPublic(t *testing.T, s *spacetest.Server) flows.Params {
	p := dpopParams(t, s)
	p.ClientID, p.AuthStyle, p.AccessType = spacetest.DemoDPoPClientID, flows.AuthNone, "offline"
	return p
}

// proofOf decodes the DPoP proof an exchange carried.
func proofOf(t *testing.T, ex wire.Exchange) flows.ProofView {
	t.Helper()
	proofs := ex.Request.Header["Dpop"]
	if len(proofs) != 1 {
		t.Fatalf("%s %s carried %d DPoP headers, want 1", ex.Request.Method, ex.Request.URL, len(proofs))
	}
	v, err := flows.ReadProof(proofs[0])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cnfJKT is the key thumbprint an access token is bound to.
func cnfJKT(t *testing.T, tok flows.Secret) string {
	t.Helper()
	j, err := jwtcheck.Decode(tok.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	cnf, _ := j.Claims["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	return jkt
}

// checkProof holds a sent proof to RFC 9449 §4.2: the session's key, the
// request's method and URL without query, a recent iat, a jti, and ath
// exactly when it goes with an access token.
func checkProof(t *testing.T, st flows.State, ex wire.Exchange, accessToken string) {
	t.Helper()
	v := proofOf(t, ex)
	htu, _ := flows.ProofURL(ex.Request.URL)
	switch {
	case v.Type != "dpop+jwt" || v.Alg != "ES256":
		t.Errorf("proof header typ %q alg %q", v.Type, v.Alg)
	case v.Thumbprint != st.DPoP.JKT:
		t.Errorf("proof key %s, session key %s", v.Thumbprint, st.DPoP.JKT)
	case v.Claim("htm") != ex.Request.Method || v.Claim("htu") != htu || strings.Contains(v.Claim("htu"), "?"):
		t.Errorf("proof htm %q htu %q for %s %s", v.Claim("htm"), v.Claim("htu"), ex.Request.Method, ex.Request.URL)
	case v.Claim("jti") == "" || v.Claim("iat") == "":
		t.Errorf("proof without jti or iat: %+v", v.Claims)
	case accessToken == "" && v.Claim("ath") != "":
		t.Errorf("a token-endpoint proof with ath %q", v.Claim("ath"))
	case accessToken != "" && v.Claim("ath") != flows.AccessTokenHash(accessToken):
		t.Errorf("proof ath %q, want the hash of the access token", v.Claim("ath"))
	}
}

// Client credentials with DPoP: demo-app's token is bound to the session's
// key (token_type DPoP, cnf.jkt), and the API call carries the DPoP scheme
// and a proof with ath, which the server checks.
func TestDPoPClientCredentialsBindsTheTokenAndCallsTheAPI(t *testing.T) {
	s := newSpace(t)
	m, err := flows.New(flows.Start(flows.ClientCredentials, dpopParams(t, s)), demoCreds())
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t)
	step := run(t, m, env, flows.Input{})
	st := m.State()
	if st.Token.TokenType != "DPoP" || cnfJKT(t, st.Token.AccessToken) != st.DPoP.JKT || st.DPoP.JKT == "" {
		t.Fatalf("token_type %q, cnf.jkt %q, session key %q", st.Token.TokenType, cnfJKT(t, st.Token.AccessToken), st.DPoP.JKT)
	}
	checkProof(t, st, step.Exchanges[0], "")
	for _, want := range []string{"DPoP proof", "[RFC 9449 §4]", "bound the tokens to the key", "cnf.jkt"} {
		if !strings.Contains(step.WhatHappened, want) {
			t.Errorf("the step does not say %q: %s", want, step.WhatHappened)
		}
	}
	call := run(t, m, env, flows.Input{Action: flows.ActionCallAPI})
	ex := call.Exchanges[len(call.Exchanges)-1]
	if ex.Response.Status != 200 || !strings.HasPrefix(ex.Request.Header["Authorization"][0], "DPoP ") {
		t.Fatalf("API call: %d with %v", ex.Response.Status, ex.Request.Header["Authorization"])
	}
	checkProof(t, m.State(), ex, st.Token.AccessToken.Reveal())
	if !strings.Contains(call.WhatHappened, "Authorization: DPoP with a DPoP proof") || !strings.Contains(call.WhatHappened, "ath") {
		t.Errorf("the API step does not say how the token went: %s", call.WhatHappened)
	}
}

// demo-dpop-app's code flow: the exchange is refused with use_dpop_nonce
// and retried once with the server's nonce, both exchanges in one step;
// the API does the same with a nonce of its own; the refresh then uses
// the nonce kept, and the rotated refresh token stays bound.
func TestDPoPCodeFlowRetriesWithTheServersNonces(t *testing.T) {
	s := newSpace(t)
	m, err := flows.New(flows.Start(flows.AuthorizationCode, dpopPublic(t, s)), flows.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	go approveHeadless(t, s, m.State().AuthURL)
	run(t, m, env, flows.Input{})
	step := run(t, m, env, flows.Input{})
	st := m.State()
	if len(step.Exchanges) != 2 || step.Exchanges[0].Response.Status != 400 || step.Exchanges[1].Response.Status != 200 {
		t.Fatalf("want a use_dpop_nonce answer and a retry in one step, got %d exchanges", len(step.Exchanges))
	}
	if !strings.Contains(step.Exchanges[0].Response.Body, "use_dpop_nonce") || len(step.Exchanges[0].Response.Header["Dpop-Nonce"]) != 1 {
		t.Fatalf("first answer: %+v", step.Exchanges[0].Response)
	}
	nonce := step.Exchanges[0].Response.Header["Dpop-Nonce"][0]
	if got := proofOf(t, step.Exchanges[1]).Claim("nonce"); got != nonce || proofOf(t, step.Exchanges[0]).Claim("nonce") != "" {
		t.Fatalf("retry's nonce %q, want %q", got, nonce)
	}
	checkProof(t, st, step.Exchanges[1], "")
	for _, want := range []string{"use_dpop_nonce", "DPoP-Nonce", "both exchanges", "[RFC 9449 §8]"} {
		if !strings.Contains(step.WhatHappened, want) {
			t.Errorf("the step does not explain the nonce (%q): %s", want, step.WhatHappened)
		}
	}
	if st.Token.TokenType != "DPoP" || cnfJKT(t, st.Token.AccessToken) != st.DPoP.JKT || st.Token.RefreshToken == "" {
		t.Fatalf("token %q bound to %q (session %q)", st.Token.TokenType, cnfJKT(t, st.Token.AccessToken), st.DPoP.JKT)
	}

	call := run(t, m, env, flows.Input{Action: flows.ActionCallAPI})
	if len(call.Exchanges) != 2 || call.Exchanges[0].Response.Status != 401 || call.Exchanges[1].Response.Status != 200 || !call.OK {
		t.Fatalf("API: want 401 use_dpop_nonce then 200, got %+v", call.Exchanges)
	}
	if !strings.Contains(strings.Join(call.Exchanges[0].Response.Header["Www-Authenticate"], ""), `error="use_dpop_nonce"`) || !strings.Contains(call.WhatHappened, "[RFC 9449 §9]") {
		t.Fatalf("API nonce: %v; %s", call.Exchanges[0].Response.Header, call.WhatHappened)
	}
	checkProof(t, m.State(), call.Exchanges[1], st.Token.AccessToken.Reveal())

	// userinfo is a resource like any API: the DPoP scheme, a proof with
	// ath, the resource's nonce kept from the call before.
	ui := run(t, m, env, flows.Input{Action: flows.ActionCallAPI, API: &flows.APIRequest{Method: "GET", Path: s.URL + "/oauth/userinfo"}})
	if last := ui.Exchanges[len(ui.Exchanges)-1]; len(ui.Exchanges) != 1 || last.Response.Status != 200 || proofOf(t, last).Claim("nonce") == "" {
		t.Fatalf("userinfo: %d exchange(s), last %+v", len(ui.Exchanges), last.Response)
	}
	checkProof(t, m.State(), ui.Exchanges[0], st.Token.AccessToken.Reveal())

	old := st.Token.RefreshToken
	refresh := run(t, m, env, flows.Input{Action: flows.ActionRefresh})
	if len(refresh.Exchanges) != 1 || proofOf(t, refresh.Exchanges[0]).Claim("nonce") != nonce {
		t.Fatalf("the refresh should use the token endpoint's kept nonce at once: %d exchanges", len(refresh.Exchanges))
	}
	if got := m.State().Token; got.RefreshToken == old || got.TokenType != "DPoP" || cnfJKT(t, got.AccessToken) != st.DPoP.JKT {
		t.Fatalf("after refresh: rotated %v, %q bound to %q", got.RefreshToken != old, got.TokenType, cnfJKT(t, got.AccessToken))
	}
}

// Every other method that gets or uses a token sends proofs too: the
// password grant, the device flow's polls (demo-dpop-app), a refresh
// token brought in, and a permanent token's test call.
func TestDPoPEveryMethodSendsProofs(t *testing.T) {
	s := newSpace(t)
	env := newEnv(t)
	env.Sleep = func(context.Context, time.Duration) error { return nil }
	runAll := func(t *testing.T, m flows.Machine) []flows.Step {
		var steps []flows.Step
		for i := 0; i < 8 && m.State().Phase != flows.PhaseAuthorized; i++ {
			steps = append(steps, run(t, m, env, flows.Input{}))
			if d := m.State().Device; d != nil && d.Polls == 0 {
				if err := s.ApproveDevice(d.UserCode, spacetest.DemoUsername, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		if m.State().Phase != flows.PhaseAuthorized {
			t.Fatalf("not authorized: %s", m.State().Phase)
		}
		return steps
	}
	t.Run("password", func(t *testing.T) {
		p := dpopParams(t, s)
		p.Username, p.AccessType = spacetest.DemoUsername, "offline"
		m, _ := flows.New(flows.Start(flows.Password, p), demoCreds())
		steps := runAll(t, m)
		checkProof(t, m.State(), steps[0].Exchanges[0], "")
		if m.State().Token.TokenType != "DPoP" {
			t.Fatalf("token_type %s", m.State().Token.TokenType)
		}
		r := run(t, m, env, flows.Input{Action: flows.ActionRefresh})
		checkProof(t, m.State(), r.Exchanges[0], "")
		if cnfJKT(t, m.State().Token.AccessToken) != m.State().DPoP.JKT {
			t.Fatal("the refreshed token is not bound to the session's key")
		}
	})
	t.Run("device", func(t *testing.T) {
		p := dpopPublic(t, s)
		m, _ := flows.New(flows.Start(flows.DeviceCode, p), flows.Credentials{})
		steps := runAll(t, m)
		if len(steps[0].Exchanges[0].Request.Header["Dpop"]) != 0 {
			t.Error("the device authorization request carries a proof; only the token endpoint's requests should")
		}
		last := steps[len(steps)-1]
		checkProof(t, m.State(), last.Exchanges[len(last.Exchanges)-1], "")
		if m.State().Token.TokenType != "DPoP" || cnfJKT(t, m.State().Token.AccessToken) != m.State().DPoP.JKT {
			t.Fatal("the device flow's token is not bound to the session's key")
		}
	})
	t.Run("refresh_token", func(t *testing.T) {
		p := dpopParams(t, s)
		d := flows.Draft{Method: flows.RefreshToken, Params: p, Creds: demoCreds(), Seed: seedFor(t, s, flows.RefreshToken, spaceParams(t, s), demoCreds())}
		st, creds := d.Start()
		m, _ := flows.New(st, creds)
		steps := runAll(t, m)
		checkProof(t, m.State(), steps[0].Exchanges[0], "")
		if cnfJKT(t, m.State().Token.AccessToken) != m.State().DPoP.JKT {
			t.Fatal("the token is not bound to the session's key")
		}
	})
	t.Run("permanent_token", func(t *testing.T) {
		p := dpopParams(t, s)
		d := flows.Draft{Method: flows.PermanentToken, Params: p, Seed: spacetest.DemoPersonalToken}
		st, creds := d.Start()
		m, _ := flows.New(st, creds)
		steps := runAll(t, m)
		ex := steps[0].Exchanges[0]
		checkProof(t, m.State(), ex, spacetest.DemoPersonalToken)
		if !strings.HasPrefix(ex.Request.Header["Authorization"][0], "Bearer ") || m.State().Token.TokenType != "Bearer" {
			t.Fatalf("an unbound brought token goes as Bearer (with a proof): %v", ex.Request.Header["Authorization"])
		}
	})
}

// The inspector's verdict on the binding: Pass for a token bound to the
// session's key, Fail for one bound to a key the session lacks or to
// another, NotApplicable for a plain bearer token, each with what binding
// buys and the RFC section.
func TestDPoPVerdictChecksCnfJKTAgainstTheSessionKey(t *testing.T) {
	s := newSpace(t)
	env := newEnv(t)
	m := authorizedWithDPoP(t, s, env)
	verdict := func(st flows.State) flows.Verdict {
		for _, v := range flows.Judge(st, flows.OfflineChecks(time.Now(), st)) {
			if v.Check == "cnf.jkt" {
				return v
			}
		}
		t.Fatal("no cnf.jkt verdict")
		return flows.Verdict{}
	}
	bound := m.State()
	if v := verdict(bound); v.Outcome != flows.Pass || !strings.Contains(v.Detail, "useless without the private key") || !strings.Contains(v.Detail, "RFC 9449 §6") {
		t.Errorf("bound to the session's key: %+v", v)
	}
	asBearer := bound
	asBearer.DPoP = nil
	if v := verdict(asBearer); v.Outcome != flows.Fail || !strings.Contains(v.Detail, "sent as Bearer it is refused") {
		t.Errorf("a bound token in a session without the key: %+v", v)
	}
	other := bound
	other.DPoP = &flows.DPoPState{JKT: "another-key-thumbprint"}
	if v := verdict(other); v.Outcome != flows.Fail || !strings.Contains(v.Detail, "another key") {
		t.Errorf("bound to another key: %+v", v)
	}
	plain, _ := flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	run(t, plain, env, flows.Input{})
	if v := verdict(plain.State()); v.Outcome != flows.NotApplicable || !strings.Contains(v.Detail, "whoever holds a copy can use it") || !strings.Contains(v.Detail, "DPoP would bind it") {
		t.Errorf("a bearer token: %+v", v)
	}
}
