package flows_test

import (
	"context"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// signInAndRefresh signs in with the code flow (scope openid), then
// refreshes, against a server configured by cfg; it returns the verdicts
// after each.
func signInAndRefresh(t *testing.T, cfg oidctest.Config) (signedIn, refreshed map[string]flows.Verdict) {
	t.Helper()
	s := oidctest.Start(t, cfg)
	env := newEnv(t)
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, oidcParams(t, s, env)), oidcCreds())
	if _, _, err := redirectFlow(t, m, env); err != nil {
		t.Fatal(err)
	}
	signedIn = verdicts(t, env, m.State())
	if _, err := m.Next(context.Background(), env, flows.Input{Action: flows.ActionRefresh}); err != nil {
		t.Fatal(err)
	}
	return signedIn, verdicts(t, env, m.State())
}

// The nonce of the sign-in's ID token: carried back passes; missing and
// different are both failures, and each says which it is.
func TestNonceMissingAndDifferentAreDifferentVerdicts(t *testing.T) {
	ok, _ := signInAndRefresh(t, oidctest.Config{})
	wantOutcome(t, ok, "id_token nonce", flows.Pass, "matches")
	missing, _ := signInAndRefresh(t, oidctest.Config{OmitNonce: true})
	wantOutcome(t, missing, "id_token nonce", flows.Fail, "missing")
	differs, _ := signInAndRefresh(t, oidctest.Config{WrongNonce: true})
	wantOutcome(t, differs, "id_token nonce", flows.Fail, "differs")
}

// A refreshed ID token follows OIDC Core §12.2: without a nonce it is
// fine, with the sign-in's it is fine, with another it fails.
func TestRefreshedIDTokenNonce(t *testing.T) {
	_, absent := signInAndRefresh(t, oidctest.Config{RefreshNonce: ""})
	wantOutcome(t, absent, "id_token nonce", flows.Pass, "absent")
	_, same := signInAndRefresh(t, oidctest.Config{RefreshNonce: "same"})
	wantOutcome(t, same, "id_token nonce", flows.Pass, "carries the nonce of the sign-in")
	_, other := signInAndRefresh(t, oidctest.Config{RefreshNonce: "other"})
	wantOutcome(t, other, "id_token nonce", flows.Fail, "differs")
}

// A flow that sends no nonce (the password grant with scope openid) does
// not hold its ID token to one.
func TestNoNonceExpectedWhereNoneWasSent(t *testing.T) {
	s := oidctest.Start(t, oidctest.Config{})
	env := newEnv(t)
	m, _ := flows.New(flows.Start(flows.Password, oidcParams(t, s, env)), oidcCreds())
	run(t, m, env, flows.Input{})
	if m.State().Token.IDToken == "" {
		t.Fatal("no ID token")
	}
	vs := verdicts(t, env, m.State())
	wantOutcome(t, vs, "id_token nonce", flows.NotApplicable, "no nonce was sent")
}
