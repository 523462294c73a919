package flows_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/wire"
)

// A request carrying a credential is never followed to another origin:
// introspection, revocation and an API call, like the token and device
// requests of the hostile table. A redirect within the origin is followed,
// and so is a discovery document's, which carries nothing secret.
func TestCredentialedCallsDoNotFollowRedirectsToAnotherOrigin(t *testing.T) {
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"active":true,"issuer":"x","authorization_endpoint":"http://x/a","token_endpoint":"http://x/t"}`)
	}))
	defer other.Close()
	main := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"active":true}`)
		case "/introspect-same":
			http.Redirect(w, r, "/same", http.StatusTemporaryRedirect)
		default:
			http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
		}
	}))
	defer main.Close()
	prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: main.URL + "/token", IntrospectURL: main.URL + "/introspect",
		RevokeURL: main.URL + "/revoke", APIBase: main.URL + "/api"}
	st := flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c"})
	st.Phase, st.Token = flows.PhaseAuthorized, &flows.Token{AccessToken: "tok", TokenType: "Bearer"}
	creds := flows.Credentials{ClientSecret: "s3cret"}
	env := flows.Env{HTTP: wire.NewClient(5 * time.Second)}
	ctx := context.Background()
	var refused *wire.RedirectRefusedError
	var err error
	for _, a := range []flows.Action{flows.ActionIntrospect, flows.ActionRevoke, flows.ActionCallAPI} {
		m, _ := flows.New(st, creds)
		if _, err = m.Next(ctx, env, flows.Input{Action: a}); !errors.As(err, &refused) {
			t.Errorf("%s: %v", a, err)
		}
	}
	if refused != nil && (!strings.Contains(refused.Error(), main.URL) || !strings.Contains(refused.Error(), other.URL)) {
		t.Errorf("the refusal does not name both URLs: %v", refused)
	}
	if d := flows.Explain(err, flows.ExplainContext{}); !strings.Contains(d.Cause, "another origin") {
		t.Errorf("explanation: %+v", d)
	}
	if n := otherHits.Load(); n != 0 {
		t.Fatalf("%d credentialed request(s) reached the other origin", n)
	}

	st.Params.Provider.IntrospectURL = main.URL + "/introspect-same"
	m, _ := flows.New(st, creds)
	if step, err := m.Next(ctx, env, flows.Input{Action: flows.ActionIntrospect}); err != nil || !strings.Contains(step.WhatHappened, "is active") {
		t.Errorf("a same-origin redirect was not followed: %v %+v", err, step)
	}

	if _, _, err := flows.Discover(ctx, env.HTTP, main.URL); err != nil && otherHits.Load() == 0 {
		t.Errorf("discovery did not follow its redirect: %v", err)
	}
}

// dexLike is a token endpoint strict about public clients, as dex is: a
// client without a secret must send client_id in the body and no
// Authorization header; "Basic id:" is refused.
func dexLike(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if _, _, basic := r.BasicAuth(); basic || r.PostForm.Get("client_id") != "public-cli" || r.PostForm.Has("client_secret") {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client","error_description":"public clients send client_id in the body"}`)
			return
		}
		switch r.URL.Path {
		case "/device":
			io.WriteString(w, `{"device_code":"dc","user_code":"UC","verification_uri":"https://idp.example/device","expires_in":60,"interval":1}`)
		default:
			io.WriteString(w, `{"access_token":"at","token_type":"Bearer","refresh_token":"rt"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An empty secret means a public client in every flow that authenticates,
// unless the person chose a style explicitly.
func TestEmptySecretIsAPublicClient(t *testing.T) {
	srv := dexLike(t)
	prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: srv.URL + "/token", DeviceURL: srv.URL + "/device"}
	for _, m := range []flows.Method{flows.DeviceCode, flows.Password, flows.RefreshToken, flows.ClientCredentials} {
		t.Run(string(m), func(t *testing.T) {
			st := flows.Start(m, flows.Params{Provider: prov, ClientID: "public-cli", Username: "u"})
			st.Seed = "rt"
			mach, _ := flows.New(st, flows.Credentials{Password: "pw"})
			env := flows.Env{HTTP: wire.NewClient(5 * time.Second), Sleep: func(context.Context, time.Duration) error { return nil }}
			for i := 0; i < 3 && mach.State().Phase != flows.PhaseAuthorized; i++ {
				if step, err := mach.Next(context.Background(), env, flows.Input{}); err != nil {
					t.Fatalf("%s: %v", step.Caption, err)
				}
			}
			if mach.State().Phase != flows.PhaseAuthorized {
				t.Fatalf("phase %s", mach.State().Phase)
			}
		})
	}
	t.Run("basic chosen explicitly stays basic", func(t *testing.T) {
		st := flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "public-cli", AuthStyle: flows.AuthBasic})
		mach, _ := flows.New(st, flows.Credentials{})
		step, err := mach.Next(context.Background(), flows.Env{HTTP: wire.NewClient(5 * time.Second)}, flows.Input{})
		if err == nil || len(step.Exchanges) == 0 || !strings.HasPrefix(step.Exchanges[0].Request.Header["Authorization"][0], "Basic ") {
			t.Fatalf("%v %+v", err, step.Exchanges)
		}
	})
}

// A secret over plain http to another machine is sent with a warning the
// step carries; --strict refuses to send it at all.
func TestSecretsOverPlainHTTPToAnotherMachine(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at","token_type":"Bearer"}`)
	}))
	defer srv.Close()
	client := hostiletest.NewProxy(t, srv.URL).Client()
	for _, tc := range []struct {
		url    string
		strict bool
		warn   bool
		sent   bool
	}{
		{"http://idp.example.test/token", false, true, true},
		{"http://idp.example.test/token", true, false, false},
		{srv.URL + "/token", true, false, true}, // loopback: nothing crosses a network
	} {
		hits.Store(0)
		prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: tc.url}
		mach, _ := flows.New(flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c"}), flows.Credentials{ClientSecret: "s"})
		step, err := mach.Next(context.Background(), flows.Env{HTTP: client, Strict: tc.strict}, flows.Input{})
		warned := strings.Contains(strings.Join(step.Notes, " "), "over plain http")
		if warned != tc.warn || (hits.Load() > 0) != tc.sent {
			t.Errorf("%s strict=%v: warned %v, sent %v (err %v, notes %q)", tc.url, tc.strict, warned, hits.Load() > 0, err, step.Notes)
		}
		if tc.strict && !tc.sent && !errors.Is(err, wire.ErrPlainHTTP) && !strings.Contains(step.Diagnosis.Raw, "plain http") {
			t.Errorf("strict refusal: %v", err)
		}
	}
}

func TestTokensOutsidePrintableASCIIAreRefused(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"a\u001b[2Jb","token_type":"Bearer"}`,
		`{"access_token":"a\nb","token_type":"Bearer"}`,
		`{"access_token":"ok","refresh_token":"r\u009bx","token_type":"Bearer"}`,
		`{"access_token":"ok","id_token":"é.x.y","token_type":"Bearer"}`,
	} {
		if _, err := flows.ParseTokenResponse("application/json", []byte(body), time.Now()); err == nil || !strings.Contains(err.Error(), "printable ASCII") {
			t.Errorf("%s: %v", body, err)
		}
	}
	if _, err := flows.ParseTokenResponse("application/json", []byte(`{"access_token":"a b~!$'`+"`"+`","token_type":"Bearer"}`), time.Now()); err != nil {
		t.Errorf("a printable token was refused: %v", err)
	}
}

// A server inside a private network, with a CA of its own: trusted when
// the provider names that CA's certificate, refused with a fix otherwise.
func TestAnExtraCAIsTrustedWhenNamed(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"internal","token_type":"Bearer"}`)
	}))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(caFile string) (flows.Step, error) {
		prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: srv.URL + "/token", CAFile: caFile}
		m, _ := flows.New(flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c"}), flows.Credentials{ClientSecret: "s"})
		return m.Next(context.Background(), flows.Env{HTTP: wire.NewClient(5 * time.Second)}, flows.Input{})
	}
	step, err := run("")
	if err == nil || step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, "--ca-file") {
		t.Fatalf("an unknown CA: %v %+v", err, step.Diagnosis)
	}
	if _, err := run(ca); err != nil {
		t.Fatalf("with the CA named: %v", err)
	}
	if _, err := run(filepath.Join(t.TempDir(), "missing.pem")); err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("a missing CA file: %v", err)
	}
}

// A token that came back with less scope than asked (or none) says so: it
// looks like success but may do nothing.
func TestNarrowerScopeIsNoted(t *testing.T) {
	s := newSpace(t)
	p := spaceParams(t, s)
	p.ClientID = "demo-pending-rights"
	m, _ := flows.New(flows.Start(flows.ClientCredentials, p), demoCreds())
	step := run(t, m, newEnv(t), flows.Input{})
	if !strings.Contains(strings.Join(step.Notes, " "), "granted no scope at all") {
		t.Fatalf("notes %q (scope %q, returned %v)", step.Notes, m.State().Token.Scope, m.State().Token.ScopeReturned)
	}
	m, _ = flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	if step := run(t, m, newEnv(t), flows.Input{}); strings.Contains(strings.Join(step.Notes, " "), "granted") {
		t.Fatalf("a full grant noted: %q", step.Notes)
	}
}
