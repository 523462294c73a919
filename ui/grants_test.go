package ui

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// grantDeps open a method's form on the built-in server as demo-app.
func grantDeps(t *testing.T, srv *spacetest.Server, m flows.Method) (Deps, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := flows.Space(srv.URL)
	prov.Builtin = true
	return Deps{Theme: "charm", Sessions: st, Flow: m,
		Profile: Profile{Name: "demo", Params: flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic},
			Creds: flows.Credentials{ClientSecret: spacetest.DemoClientSecret}},
		Env: flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}}, st
}

// fill pastes v into the form's field id, as a person pasting a token would.
func fill(h *harness, id flows.FieldID, v string) {
	f := h.app.screen.(*form)
	for f.rows.focused().id != string(id) {
		h.key(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	h.deliver(tea.PasteMsg{Content: v})
	h.collect()
}

func appToken(t *testing.T, srv *spacetest.Server, m flows.Method) string {
	t.Helper()
	prov, _ := flows.Space(srv.URL)
	mach, _ := flows.New(flows.Start(m, flows.Params{Provider: prov, ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic, Username: spacetest.DemoUsername}),
		flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: spacetest.DemoPassword})
	if _, err := mach.Next(context.Background(), flows.Env{HTTP: wire.NewClient(10 * time.Second)}, flows.Input{}); err != nil {
		t.Fatal(err)
	}
	return mach.State().Token.AccessToken.Reveal()
}

// A token exchange in the TUI, from the form to the inspector: the tokens
// pasted into the form never show whole and are never saved, and the
// inspector reads the new token's act (delegation).
func TestTokenExchangeInTheTUI(t *testing.T) {
	srv := spacetest.Start(t)
	subject, actor := appToken(t, srv, flows.Password), appToken(t, srv, flows.ClientCredentials)
	deps, st := grantDeps(t, srv, flows.TokenExchange)
	h := newHarness(t, deps, 100, 40, make(chan struct{}))
	h.keep = true
	defer h.close()
	fill(h, flows.FieldSubjectToken, subject)
	fill(h, flows.FieldActorToken, actor)
	fill(h, flows.FieldAudience, spacetest.DemoPublicClientID)
	if !h.seen("will send") || !h.seen("actor_token=eyJhbG…") {
		t.Fatalf("the form does not preview the exchange:\n%s", h.frames[len(h.frames)-1])
	}
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	in := h.app.screen.(*inspect)
	h.until("checked", 10*time.Second, func() bool { return in.checkInput != nil })
	h.key(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}) // redraw; reveal stays off
	h.key(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	for _, want := range []string{"acts for user demo, via demo-app", "✓ act", "delegation: the token is about demo, and demo-app acts", "demo-app acts for the subject"} {
		if !h.seen(want) {
			t.Errorf("the inspector does not say %q:\n%s", want, h.frames[len(h.frames)-1])
		}
	}
	for _, f := range h.frames {
		if strings.Contains(f, subject) || strings.Contains(f, actor) {
			t.Fatalf("a pasted token shows whole:\n%s", f)
		}
	}
	saved, err := st.Get(in.sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(saved)
	if strings.Contains(string(raw), subject) || strings.Contains(string(raw), actor) {
		t.Error("the session's record holds a token that was traded")
	}
}

// A JWT-bearer grant in the TUI: a pasted assertion, signed with the key
// the built-in server trusts, ends at the inspector acting for its user.
func TestJWTBearerInTheTUI(t *testing.T) {
	srv := spacetest.Start(t)
	block, _ := pem.Decode([]byte(spacetest.DemoClientKeyPEM))
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{"iss": spacetest.DemoJWTBearerIssuer, "sub": "alice", "aud": srv.URL + "/oauth/token",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": "tui-" + now.Format("150405.000000000")})
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	jws, _ := signer.Sign(claims)
	assertion, _ := jws.CompactSerialize()
	deps, _ := grantDeps(t, srv, flows.JWTBearer)
	h := newHarness(t, deps, 100, 40, make(chan struct{}))
	h.keep = true
	defer h.close()
	fill(h, flows.FieldAssertion, assertion)
	h.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.until("at the inspector", 10*time.Second, func() bool { _, ok := h.app.screen.(*inspect); return ok })
	h.key(tea.KeyPressMsg{Code: tea.KeyTab}) // the Steps panel: the assertion decoded
	for _, want := range []string{"acts for user alice", "sub alice: whom the token will act for"} {
		if !h.seen(want) {
			t.Errorf("no frame says %q:\n%s", want, h.frames[len(h.frames)-1])
		}
	}
	for _, f := range h.frames {
		if strings.Contains(f, assertion) {
			t.Fatalf("the assertion shows whole:\n%s", f)
		}
	}
}
