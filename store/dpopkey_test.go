package store_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// dpopSession runs demo-dpop-app's code flow with DPoP through the store,
// approving as the demo user, to a bound token and refresh token.
func dpopSession(t *testing.T, srv *spacetest.Server, st *store.Store) store.Session {
	t.Helper()
	prov, _ := flows.Space(srv.URL)
	p := flows.Params{Provider: prov, ClientID: spacetest.DemoDPoPClientID, AuthStyle: flows.AuthNone, Scope: "**", AccessType: "offline",
		RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256, DPoP: true}
	sess, err := st.Create("dpop", flows.Start(flows.AuthorizationCode, p))
	if err != nil {
		t.Fatal(err)
	}
	lb := loopback.New()
	t.Cleanup(lb.CloseAll)
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: lb, OpenBrowser: func(u string) error {
		go func() {
			loc, err := srv.ApproveAuthorization(u, spacetest.DemoUsername, true)
			if err != nil {
				t.Error(err)
				return
			}
			if r, err := http.Get(loc); err == nil {
				r.Body.Close()
			}
		}()
		return nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		if sess, _, err = st.Advance(ctx, sess.ID, flows.Credentials{}, env, flows.Input{}); err != nil {
			t.Fatalf("step %d: %v %+v", i+1, err, sess.State.Failure)
		}
	}
	if sess.State.Phase != flows.PhaseAuthorized || sess.State.Token.TokenType != "DPoP" {
		t.Fatalf("phase %s, token %+v", sess.State.Phase, sess.State.Token)
	}
	return sess
}

func boundTo(t *testing.T, tok flows.Secret) string {
	t.Helper()
	j, err := jwtcheck.Decode(tok.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	cnf, _ := j.Claims["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	return jkt
}

// A session's DPoP key lives in its own 0600 file in a 0700 directory,
// never in the session record or its report; a store opened afresh (a
// restart) gives the session its key back, and the refresh the server
// binds to that key (a public client's refresh token) works with it.
func TestDPoPKeySurvivesARestartForRefresh(t *testing.T) {
	srv := spacetest.Start(t)
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sess := dpopSession(t, srv, st)
	jkt := sess.State.DPoP.JKT

	keyFile := filepath.Join(dir, "dpop-keys", sess.ID+".pem")
	pemBytes, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(keyFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(keyFile)); fi.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v, want 0700", fi.Mode().Perm())
	}
	block, _ := pem.Decode(pemBytes)
	priv, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	private := privateForms(priv)
	db, _ := os.ReadFile(filepath.Join(dir, "sessions.db"))
	report, err := st.WriteReport(sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	reportText, _ := os.ReadFile(report)
	for _, where := range []struct {
		name string
		text []byte
	}{{"the session database", db}, {"the report", reportText}, {"the report (in memory)", []byte(sess.Report())}} {
		for _, p := range private {
			if bytes.Contains(where.text, []byte(p)) {
				t.Errorf("%s holds the private key", where.name)
			}
		}
	}

	// The restart: another Store on the same directory.
	again, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := again.Get(sess.ID)
	if err != nil || loaded.State.DPoP == nil || loaded.State.DPoP.Key == nil || loaded.State.DPoP.Key.Thumbprint() != jkt {
		t.Fatalf("the key did not come back: %v %+v", err, loaded.State.DPoP)
	}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: loopback.New()}
	old := loaded.State.Token.RefreshToken
	got, step, err := again.Advance(context.Background(), sess.ID, flows.Credentials{}, env, flows.Input{Action: flows.ActionRefresh})
	if err != nil || !step.OK {
		t.Fatalf("refresh after a restart: %v %+v", err, step.Diagnosis)
	}
	sent := step.Exchanges[len(step.Exchanges)-1].Request.Header["Dpop"]
	if len(sent) != 1 {
		t.Fatal("the refresh carried no proof")
	}
	if v, _ := flows.ReadProof(sent[0]); v.Thumbprint != jkt {
		t.Errorf("the refresh's proof is by key %s, want the session's %s", v.Thumbprint, jkt)
	}
	if got.State.Token.RefreshToken == old || boundTo(t, got.State.Token.AccessToken) != jkt {
		t.Fatalf("refreshed: rotated %v, bound to %s, want %s", got.State.Token.RefreshToken != old, boundTo(t, got.State.Token.AccessToken), jkt)
	}

	// Without its key file, the session says why and sends nothing.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	_, step, err = again.Advance(context.Background(), sess.ID, flows.Credentials{}, env, flows.Input{Action: flows.ActionRefresh})
	if err == nil || len(step.Exchanges) != 0 || step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, "is gone") || !strings.Contains(step.Diagnosis.Cause, "sent nothing") {
		t.Fatalf("a lost key: %v, %d exchanges, %+v", err, len(step.Exchanges), step.Diagnosis)
	}
}

// A key file that holds another key is not taken for the session's.
func TestDPoPKeyFileWithAnotherKeyIsRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.Create("dpop", flows.Start(flows.ClientCredentials, flows.Params{DPoP: true}))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := flows.NewDPoPKey()
	b, _ := other.PrivatePEM()
	if err := os.WriteFile(filepath.Join(dir, "dpop-keys", sess.ID+".pem"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := st.Get(sess.ID)
	if err != nil || loaded.State.DPoP.Key != nil || !strings.Contains(loaded.State.DPoP.KeyTrouble, "another key") {
		t.Fatalf("%v %+v", err, loaded.State.DPoP)
	}
	if err := st.Delete(sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dpop-keys", sess.ID+".pem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the key file outlived its session: %v", err)
	}
}

// privateForms are the ways the private scalar could be written down: the
// PEM body, and D in base64url (a JWK's d) and in decimal.
func privateForms(priv *ecdsa.PrivateKey) []string {
	der, _ := x509.MarshalECPrivateKey(priv)
	d, _ := priv.Bytes()
	return []string{base64.StdEncoding.EncodeToString(der)[:40], base64.RawURLEncoding.EncodeToString(d), new(big.Int).SetBytes(d).String()}
}
