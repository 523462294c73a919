package flows_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// refused runs one step that must fail over DPoP with code, and returns
// its diagnosis.
func refused(t *testing.T, m flows.Machine, env flows.Env, in flows.Input, code string) (flows.Step, *flows.Diagnosis) {
	t.Helper()
	step, err := m.Next(context.Background(), env, in)
	var de *flows.DPoPError
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("want a DPoP refusal %s, got %v (%T)", code, err, err)
	}
	if step.Diagnosis == nil || step.Diagnosis.Code != code {
		t.Fatalf("diagnosis %+v", step.Diagnosis)
	}
	hasCause(t, step.Diagnosis)
	return step, step.Diagnosis
}

func says(t *testing.T, what, text string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q:\n%s", what, w, text)
		}
	}
}

// authorizedWithDPoP is a client-credentials session of demo-app with a
// DPoP-bound token.
func authorizedWithDPoP(t *testing.T, s *spacetest.Server, env flows.Env) flows.Machine {
	t.Helper()
	m, err := flows.New(flows.Start(flows.ClientCredentials, dpopParams(t, s)), demoCreds())
	if err != nil {
		t.Fatal(err)
	}
	run(t, m, env, flows.Input{})
	if m.State().Token.TokenType != "DPoP" {
		t.Fatalf("token_type %s", m.State().Token.TokenType)
	}
	return m
}

// The refusals of the Done-when list, each made for real against the
// built-in server over HTTP and explained by authplay: fix first, cause,
// the RFC section.
func TestDPoPRefusalsAreExplained(t *testing.T) {
	s := newSpace(t)
	t.Run("a stale proof", func(t *testing.T) {
		env := newEnv(t)
		env.Now = func() time.Time { return time.Now().Add(-2 * time.Minute) } // this machine's clock is behind
		m, _ := flows.New(flows.Start(flows.ClientCredentials, dpopParams(t, s)), demoCreds())
		_, d := refused(t, m, env, flows.Input{}, "invalid_dpop_proof")
		says(t, "the fix", d.Fix, "clock", "60 s")
		says(t, "the cause", d.Cause, "stale", "By the server's clock", "2 min")
		says(t, "the refs", d.Refs, "RFC 9449 §4.3")
	})
	t.Run("a proof for another URL at the token endpoint", func(t *testing.T) {
		env := newEnv(t)
		m, _ := flows.New(flows.Start(flows.ClientCredentials, dpopParams(t, s)), demoCreds())
		req, _, err := m.Pending(flows.Input{})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := flows.NewDPoPKey()
		proof, _ := other.Proof("POST", s.URL+"/oauth/par", "", "", time.Now())
		req.Header.Set("DPoP", proof) // the person's edit: a proof made for another endpoint
		step, d := refused(t, m, env, flows.Input{Request: &req}, "invalid_dpop_proof")
		says(t, "the fix", d.Fix, "remove the DPoP header")
		says(t, "the cause", d.Cause, "another URL (htu)", "one method and one URL")
		says(t, "the step", step.WhatHappened, "your edit", "as it was")
		if got := step.Exchanges[0].Request.Header["Dpop"][0]; got != proof {
			t.Error("the person's proof was not sent as it was")
		}
	})
	env := newEnv(t)
	m := authorizedWithDPoP(t, s, env)
	tok := m.State().Token.AccessToken.Reveal()
	apiEdit := func(t *testing.T, edit func(req *flows.Request)) *flows.Request {
		req, _, err := m.Pending(flows.Input{Action: flows.ActionCallAPI})
		if err != nil {
			t.Fatal(err)
		}
		edit(&req)
		return &req
	}
	t.Run("a proof for another URL at the API", func(t *testing.T) {
		other, _ := flows.NewDPoPKey()
		req := apiEdit(t, func(req *flows.Request) {
			proof, _ := other.Proof("GET", s.URL+"/api/http/absences", tok, "", time.Now())
			req.Header.Set("DPoP", proof)
		})
		_, d := refused(t, m, env, flows.Input{Action: flows.ActionCallAPI, Request: req}, "invalid_dpop_proof")
		says(t, "the cause", d.Cause, "another URL (htu)")
		if m.State().Phase != flows.PhaseAuthorized {
			t.Fatal("a refused API call must leave the session authorized")
		}
	})
	t.Run("a DPoP-bound token sent as Bearer", func(t *testing.T) {
		req := apiEdit(t, func(req *flows.Request) { req.Header.Set("Authorization", "Bearer "+tok) })
		_, d := refused(t, m, env, flows.Input{Action: flows.ActionCallAPI, Request: req}, "invalid_token")
		says(t, "the fix", d.Fix, "Authorization: DPoP")
		says(t, "the cause", d.Cause, "bound to a DPoP key", "useless to anyone without the private key")
		says(t, "the refs", d.Refs, "RFC 9449 §7.1")
	})
	t.Run("a proof by another key: a copied token", func(t *testing.T) {
		thief, _ := flows.NewDPoPKey()
		req := apiEdit(t, func(req *flows.Request) {
			proof, _ := thief.Proof(req.Method, req.URL, tok, "", time.Now())
			req.Header.Set("DPoP", proof)
		})
		_, d := refused(t, m, env, flows.Input{Action: flows.ActionCallAPI, Request: req}, "invalid_token")
		says(t, "the cause", d.Cause, "another key", "copied token")
	})
	t.Run("a client that must send proofs sends none", func(t *testing.T) {
		p := dpopPublic(t, s)
		p.DPoP = false
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), flows.Credentials{})
		run(t, m, env, flows.Input{})
		go approveHeadless(t, s, m.State().AuthURL)
		run(t, m, env, flows.Input{})
		_, d := refused(t, m, env, flows.Input{}, "invalid_dpop_proof")
		says(t, "the fix", d.Fix, "Turn DPoP on", "--dpop", "demo-dpop-app")
	})
}

// A server that asks for a nonce again after the retry with its own: one
// retry only, both exchanges recorded, and the refusal explained.
func TestDPoPNonceAskedTwiceIsExplainedNotLooped(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("DPoP-Nonce", "nonce-"+string(rune('a'+n)))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		w.Write([]byte(`{"error":"use_dpop_nonce","error_description":"try again"}`)) //nolint:errcheck
	}))
	t.Cleanup(srv.Close)
	p := flows.Params{Provider: flows.Provider{Kind: flows.KindEndpoints, TokenURL: srv.URL + "/token"}, ClientID: "c", DPoP: true}
	m, _ := flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{ClientSecret: "s"})
	step, d := refused(t, m, newEnv(t), flows.Input{}, "use_dpop_nonce")
	if hits.Load() != 2 || len(step.Exchanges) != 2 {
		t.Fatalf("%d requests, %d exchanges: want one retry exactly", hits.Load(), len(step.Exchanges))
	}
	says(t, "the cause", d.Cause, "use_dpop_nonce twice", "retries once")
	says(t, "the fix", d.Fix, "Run the step again")
	if got := proofOf(t, step.Exchanges[1]).Claim("nonce"); got != "nonce-b" {
		t.Errorf("the retry carried nonce %q, want the server's nonce-b", got)
	}
	if m.State().DPoP.Nonces[strings.TrimPrefix(srv.URL, "")+" token endpoint"] != "nonce-c" {
		t.Errorf("the latest nonce is not kept: %v", m.State().DPoP.Nonces)
	}
}

// A server that takes both schemes offers DPoP beside its Bearer error:
// an expired bearer token is not taken for a bound one sent as Bearer.
func TestABearerRefusalBesideADPoPOfferIsNotADPoPOne(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", DPoP algs="ES256"`)
		w.WriteHeader(401)
	}))
	t.Cleanup(srv.Close)
	d := flows.Draft{Method: flows.PermanentToken, Params: flows.Params{Provider: flows.Provider{Kind: flows.KindEndpoints, APIBase: srv.URL}}, Seed: "expired-token"}
	st, creds := d.Start()
	m, _ := flows.New(st, creds)
	_, err := m.Next(context.Background(), newEnv(t), flows.Input{})
	var de *flows.DPoPError
	if err == nil || errors.As(err, &de) {
		t.Fatalf("want a plain refusal, got %v (%T)", err, err)
	}
}
