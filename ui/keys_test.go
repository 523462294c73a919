package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// goldenKeyFile is where the golden screens say the demo key lives: a
// fixed path, so the screens render the same everywhere.
const goldenKeyFile = "/home/you/.config/authplay/keys/demo-key.pem"

func goldenClientKey(t testing.TB) *flows.ClientKey {
	t.Helper()
	k, err := flows.ParseClientKey([]byte(spacetest.DemoClientKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	k.Path = goldenKeyFile
	return k
}

// keyForm is the client credentials form for demo-jwt-app with
// private_key_jwt chosen and the demo key read, focused on the key file.
func keyForm(t testing.TB, a *App) *form {
	d := a.draftFor(flows.ClientCredentials)
	d.Params.ClientID, d.Params.AuthStyle, d.Params.PrivateKeyFile = spacetest.DemoJWTClientID, flows.AuthPrivateKeyJWT, goldenKeyFile
	d.Creds = flows.Credentials{ClientKey: goldenClientKey(t)}
	f := newForm(a.k, a.nextID(), d)
	f.key.path = goldenKeyFile // read already
	f.prev.StateValue, f.prev.Verifier, f.prev.Nonce = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "n-0S6_WzA2Mj"
	for i, r := range f.rows.rows {
		if r.id == string(flows.FieldPrivateKeyFile) {
			f.rows.setFocus(i)
		}
	}
	return f
}

// keySession is a client credentials session of demo-jwt-app whose step
// carries its client assertion, decoded.
func keySession(t testing.TB) store.Session {
	t.Helper()
	st := flows.Start(flows.ClientCredentials, goldenDeps().Profile.Params)
	st.Params.ClientID, st.Params.AuthStyle, st.Params.PrivateKeyFile = spacetest.DemoJWTClientID, flows.AuthPrivateKeyJWT, goldenKeyFile
	a, err := flows.SignAssertion(goldenClientKey(t), map[string]any{"iss": "demo-jwt-app", "sub": "demo-jwt-app", "aud": "http://127.0.0.1:9090/oauth/token",
		"jti": "6hLq0tR2mXc9ZkV1yB4wPn", "iat": goldenNow.Unix(), "exp": goldenNow.Add(5 * time.Minute).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	req := flows.Request{Method: "POST", URL: "http://127.0.0.1:9090/oauth/token", Header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}, Form: map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {"demo-jwt-app"}, "client_assertion_type": {flows.ClientAssertionType}, "client_assertion": {a}}}
	sess := authorizedSession()
	st.Phase, st.Token = flows.PhaseAuthorized, sess.State.Token
	sess.Method, sess.State = flows.ClientCredentials, st
	sess.Steps = []flows.Step{{Name: "token_request", Caption: "Ask the token endpoint for an application token", At: goldenNow.Add(-18 * time.Second), OK: true,
		WhatHappened: "authplay proved the application's identity with a client assertion: a JWT for this server alone, signed with the application's private key, so no secret went over the wire (RFC 7523 §2.2).",
		Exchanges:    []wire.Exchange{{Request: req.Shown(), Response: &wire.Message{Status: 200}}},
		Details:      flows.RequestDetails(req, st.Params)}}
	return sess
}

// The key file row hides until private_key_jwt is chosen; then the key is
// read in a command, never in Update, and the preview shows the assertion
// decoded, never the key.
func TestFormReadsTheKeyFileInACommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(path, []byte(spacetest.DemoClientECKeyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	a := goldenApp(t, goldenDeps())
	f := newForm(a.k, a.nextID(), a.draftFor(flows.ClientCredentials))
	show(a, f)
	if strings.Contains(view(a), "Private key file") {
		t.Fatal("the key file row shows before private_key_jwt is chosen")
	}
	var authRow, keyRow int
	for i, r := range f.rows.rows {
		switch r.id {
		case string(flows.FieldAuthStyle):
			authRow = i
		case string(flows.FieldPrivateKeyFile):
			keyRow = i
		}
	}
	for f.rows.focus != authRow {
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	view(a) // as after every update: the help keys follow the focus
	for i := 0; f.draft.Params.AuthStyle != flows.AuthPrivateKeyJWT; i++ {
		if i > 10 {
			t.Fatal("→ never reached private_key_jwt")
		}
		a.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	v := view(a)
	if !strings.Contains(v, "Private key file") || !strings.Contains(v, "required for private_key_jwt") || !strings.Contains(v, "RFC 7523 §2.2") {
		t.Fatalf("after choosing private_key_jwt:\n%s", v)
	}
	a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	if f.rows.focus != keyRow {
		t.Fatalf("tab from Client auth went to row %d, not the key file's %d", f.rows.focus, keyRow)
	}
	var cmd tea.Cmd
	for _, r := range path {
		_, cmd = a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if f.draft.Creds.ClientKey != nil {
		t.Fatal("the key was read in Update")
	}
	msg := findMsg[clientKeyMsg](t, cmd)
	f.Update(msg)
	if f.draft.Creds.ClientKey == nil || f.draft.Creds.ClientKey.Alg() != "ES256" {
		t.Fatalf("the key read was not taken: %+v", msg)
	}
	if _, p := f.preview(); !strings.Contains(p, "Client assertion (RFC 7523 §2.2)") || !strings.Contains(p, "alg ES256") || strings.Contains(p, "PRIVATE KEY") {
		t.Errorf("the preview:\n%s", p)
	}
	// A file that is no key is noted beside its row, and stops the run.
	bad := filepath.Join(t.TempDir(), "cert.pem")
	os.WriteFile(bad, []byte(spacetest.DemoClientCertPEM), 0o600) //nolint:errcheck
	f.rows.rows[keyRow].input.SetValue(bad)
	f.changed()
	f.Update(findMsg[clientKeyMsg](t, f.readKey()))
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(f.err, "certificate") || f.rows.focus != keyRow {
		t.Errorf("a certificate as key: err %q, focus %d", f.err, f.rows.focus)
	}
}

// findMsg runs cmd (and a batch's commands) until one gives a T.
func findMsg[T any](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	if cmd == nil {
		t.Fatalf("no command to give a %T", zero)
	}
	switch m := cmd().(type) {
	case T:
		return m
	case tea.BatchMsg:
		for _, c := range m {
			if c == nil {
				continue
			}
			if got, ok := c().(T); ok {
				return got
			}
		}
	}
	t.Fatalf("no command gave a %T", zero)
	return zero
}
