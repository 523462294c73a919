package flows_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// writeKey writes a PEM key file as a person keeps one: 0600.
func writeKey(t *testing.T, pemText string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "client-key.pem")
	if err := os.WriteFile(path, []byte(pemText), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// demoKeyIn re-encodes a published demo key in another PEM format, as
// openssl writes them: PKCS #1 for RSA, SEC 1 (after EC PARAMETERS) for EC.
func demoKeyIn(t *testing.T, pkcs8PEM, format string) string {
	t.Helper()
	blk, _ := pem.Decode([]byte(pkcs8PEM))
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	switch format {
	case "PKCS#1":
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey))}))
	case "SEC1":
		der, err := x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey))
		if err != nil {
			t.Fatal(err)
		}
		params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
		return string(params) + string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	}
	return pkcs8PEM
}

// jwtParams are demo-jwt-app's settings at the built-in server.
func jwtParams(t *testing.T, s *spacetest.Server, style flows.AuthStyle, keyFile string) flows.Params {
	t.Helper()
	p := spaceParams(t, s)
	p.ClientID, p.AuthStyle, p.PrivateKeyFile = spacetest.DemoJWTClientID, style, keyFile
	return p
}

// rawForms keeps every form body as it left, unredacted, so a test can
// see the assertion that was sent.
type rawForms struct {
	mu    sync.Mutex
	forms []url.Values
	base  http.RoundTripper
}

func (r *rawForms) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && strings.Contains(req.Header.Get("Content-Type"), "form") {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(b)))
		f, _ := url.ParseQuery(string(b))
		r.mu.Lock()
		r.forms = append(r.forms, f)
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

func (r *rawForms) last(t *testing.T) url.Values {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.forms) == 0 {
		t.Fatal("no form was sent")
	}
	return r.forms[len(r.forms)-1]
}

func recordingEnv(t *testing.T) (flows.Env, *rawForms) {
	env := newEnv(t)
	c := *env.HTTP
	raw := &rawForms{base: c.Transport}
	if raw.base == nil {
		raw.base = http.DefaultTransport
	}
	c.Transport = raw
	env.HTTP = &c
	return env, raw
}

// private_key_jwt with either demo key, in each PEM format a person may
// have: client credentials succeed, the assertion is decoded in the step,
// and neither the key nor the assertion shows anywhere in the step.
func TestPrivateKeyJWTWithEachKeyFormat(t *testing.T) {
	s := newSpace(t)
	for _, c := range []struct{ name, pem, alg string }{
		{"RSA PKCS#8", spacetest.DemoClientKeyPEM, "RS256"},
		{"RSA PKCS#1", demoKeyIn(t, spacetest.DemoClientKeyPEM, "PKCS#1"), "RS256"},
		{"EC PKCS#8", spacetest.DemoClientECKeyPEM, "ES256"},
		{"EC SEC1 after EC PARAMETERS", demoKeyIn(t, spacetest.DemoClientECKeyPEM, "SEC1"), "ES256"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeKey(t, c.pem)
			m, err := flows.New(flows.Start(flows.ClientCredentials, jwtParams(t, s, flows.AuthPrivateKeyJWT, path)), flows.Credentials{})
			if err != nil {
				t.Fatal(err)
			}
			env, raw := recordingEnv(t)
			step := run(t, m, env, flows.Input{})
			if m.State().Phase != flows.PhaseAuthorized {
				t.Fatalf("phase %s", m.State().Phase)
			}
			sent := raw.last(t)
			if sent.Get("client_assertion_type") != flows.ClientAssertionType || sent.Get("client_secret") != "" {
				t.Fatalf("sent %v", sent)
			}
			j, err := jwtcheck.Decode(sent.Get("client_assertion"))
			if err != nil {
				t.Fatal(err)
			}
			aud := j.Audience()
			iat, _ := j.Time("iat")
			exp, _ := j.Time("exp")
			if j.Alg() != c.alg || j.Str("iss") != spacetest.DemoJWTClientID || j.Str("sub") != spacetest.DemoJWTClientID ||
				len(aud) != 1 || aud[0] != s.URL+"/oauth/token" || j.Str("jti") == "" || exp.Sub(iat) != 5*time.Minute {
				t.Errorf("assertion header %v claims %v", j.Header, j.Claims)
			}
			details := strings.Join(step.Details, "\n")
			for _, want := range []string{"RFC 7523 §2.2", "alg " + c.alg, "iss  demo-jwt-app", "sub  demo-jwt-app", "aud  " + s.URL + "/oauth/token", "jti  " + j.Str("jti"), "5 min after iat", path} {
				if !strings.Contains(details, want) {
					t.Errorf("the step's decoded assertion lacks %q:\n%s", want, details)
				}
			}
			if !strings.Contains(step.WhatHappened, "private key") || !strings.Contains(step.WhatHappened, "RFC 7523 §2.2") {
				t.Errorf("what happened: %s", step.WhatHappened)
			}
			all, _ := json.Marshal(step)
			pemLines := strings.Split(strings.TrimSpace(c.pem), "\n")
			for _, leak := range []string{sent.Get("client_assertion"), "PRIVATE KEY", pemLines[len(pemLines)-2]} {
				if strings.Contains(string(all), leak) {
					t.Errorf("the step shows %q", leak)
				}
			}
		})
	}
}

// The assertion goes with every request that authenticates the client:
// the code exchange, refresh, introspection and revocation, and the device
// flow's authorization request and poll.
func TestPrivateKeyJWTOnEveryClientRequest(t *testing.T) {
	s := newSpace(t)
	path := writeKey(t, spacetest.DemoClientECKeyPEM)
	p := jwtParams(t, s, flows.AuthPrivateKeyJWT, path)
	p.AccessType = "offline"
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), flows.Credentials{})
	env, raw := recordingEnv(t)
	run(t, m, env, flows.Input{})
	go approveHeadless(t, s, m.State().AuthURL)
	run(t, m, env, flows.Input{})
	run(t, m, env, flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized || m.State().Token.RefreshToken == "" {
		t.Fatalf("phase %s, token %+v", m.State().Phase, m.State().Token)
	}
	jtis := map[string]bool{}
	for _, a := range []flows.Action{flows.ActionRefresh, flows.ActionIntrospect, flows.ActionRevoke} {
		step := run(t, m, env, flows.Input{Action: a})
		sent := raw.last(t)
		jti := mustJTI(t, sent)
		if !step.OK || jtis[jti] || len(step.Details) == 0 {
			t.Fatalf("%s: ok %v, jti %s seen %v, details %v", a, step.OK, jti, jtis[jti], step.Details)
		}
		jtis[jti] = true
	}

	d, _ := flows.New(flows.Start(flows.DeviceCode, jwtParams(t, s, flows.AuthPrivateKeyJWT, path)), flows.Credentials{})
	run(t, d, env, flows.Input{})
	mustJTI(t, raw.last(t))
	if err := s.ApproveDevice(d.State().Device.UserCode, spacetest.DemoUsername, true); err != nil {
		t.Fatal(err)
	}
	env.Sleep = func(context.Context, time.Duration) error { return nil }
	for i := 0; i < 5 && d.State().Phase != flows.PhaseAuthorized; i++ {
		run(t, d, env, flows.Input{})
		mustJTI(t, raw.last(t))
	}
	if d.State().Phase != flows.PhaseAuthorized {
		t.Fatalf("device flow: %s", d.State().Phase)
	}
}

func mustJTI(t *testing.T, sent url.Values) string {
	t.Helper()
	j, err := jwtcheck.Decode(sent.Get("client_assertion"))
	if err != nil || j.Str("jti") == "" {
		t.Fatalf("no client assertion in %v: %v", sent, err)
	}
	return j.Str("jti")
}

// A request a person edited in step mode still goes with a fresh, valid
// assertion; an assertion the person put in is sent as they wrote it.
func TestEditedRequestGetsAFreshAssertionUnlessTheAssertionWasEdited(t *testing.T) {
	s := newSpace(t)
	path := writeKey(t, spacetest.DemoClientKeyPEM)
	creds := flows.Credentials{}
	m, _ := flows.New(flows.Start(flows.ClientCredentials, jwtParams(t, s, flows.AuthPrivateKeyJWT, path)), creds)
	key, err := flows.LoadClientKey(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = flows.New(m.State(), flows.Credentials{ClientKey: key})
	shown, _, err := m.Pending(flows.Input{})
	if err != nil {
		t.Fatal(err)
	}
	edited := shown
	edited.Form = url.Values{}
	for k, v := range shown.Form {
		edited.Form[k] = v
	}
	edited.Form.Set("scope", "**")
	env, raw := recordingEnv(t)
	clock := time.Now().Add(2 * time.Second) // the person read the request for a while
	env.Now = func() time.Time { return clock }
	if step := run(t, m, env, flows.Input{Request: &edited}); !step.OK {
		t.Fatalf("%+v", step.Diagnosis)
	}
	sent := raw.last(t)
	was, _ := jwtcheck.Decode(shown.Form.Get("client_assertion"))
	now, _ := jwtcheck.Decode(sent.Get("client_assertion"))
	wasIat, _ := was.Time("iat")
	nowIat, _ := now.Time("iat")
	if sent.Get("client_assertion") == shown.Form.Get("client_assertion") || now.Str("jti") != was.Str("jti") || !nowIat.After(wasIat) {
		t.Errorf("the edited request went with the assertion shown (iat %v, now %v), not a fresh one", wasIat, nowIat)
	}
	if edited.Form.Get("client_assertion") != shown.Form.Get("client_assertion") {
		t.Error("sending changed the person's edit in place")
	}

	// Now the person sends the same request again, with the assertion that
	// went out: the server has seen its jti, and authplay says so.
	replay := edited
	replay.Form = url.Values{}
	for k, v := range sent {
		replay.Form[k] = v
	}
	step, err := m.Next(context.Background(), env, flows.Input{Request: &replay})
	if err == nil || step.Diagnosis == nil {
		t.Fatal("a replayed assertion was accepted")
	}
	if raw.last(t).Get("client_assertion") != sent.Get("client_assertion") {
		t.Error("the assertion the person put in was replaced")
	}
	if d := step.Diagnosis; d.Code != "invalid_client" || !strings.Contains(d.Cause, "jti") || !strings.Contains(d.Fix, "fresh one") || !strings.Contains(d.Refs, "RFC 7523") {
		t.Errorf("diagnosis %+v", d)
	}
}

// A key the server does not hold for the client is refused, and the fix
// names the key the built-in server trusts.
func TestWrongKeyIsExplained(t *testing.T) {
	s := newSpace(t)
	k, err := flows.GenerateClientKey(true)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := k.PEM()
	m, _ := flows.New(flows.Start(flows.ClientCredentials, jwtParams(t, s, flows.AuthPrivateKeyJWT, writeKey(t, string(pemBytes)))), flows.Credentials{})
	step, _ := failsWith(t, m, "invalid_client")
	d := step.Diagnosis
	if !strings.Contains(d.Cause, "signature") || !strings.Contains(d.Fix, "--print-client-key") || !strings.Contains(d.Fix, "demo-jwt-app") {
		t.Errorf("diagnosis %+v", d)
	}
	// A kid the server has no key under is refused the same way.
	p := jwtParams(t, s, flows.AuthPrivateKeyJWT, writeKey(t, spacetest.DemoClientKeyPEM))
	p.KeyID = "no-such-key"
	m, _ = flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{})
	if step, _ := failsWith(t, m, "invalid_client"); !strings.Contains(step.Diagnosis.Cause, "kid") {
		t.Errorf("diagnosis %+v", step.Diagnosis)
	}
	// The registered kid (the key's RFC 7638 thumbprint) is accepted.
	key, _ := flows.LoadClientKey(p.PrivateKeyFile)
	p.KeyID = key.Thumbprint()
	m, _ = flows.New(flows.Start(flows.ClientCredentials, p), flows.Credentials{})
	run(t, m, newEnv(t), flows.Input{})
}

// A key file that cannot be used stops the step before anything is sent,
// with the reason.
func TestUnusableKeyFileSendsNothing(t *testing.T) {
	s := newSpace(t)
	for _, c := range []struct{ name, path, want string }{
		{"missing", filepath.Join(t.TempDir(), "nope.pem"), "cannot be read"},
		{"a certificate", writeKey(t, spacetest.DemoClientCertPEM), "certificate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _ := flows.New(flows.Start(flows.ClientCredentials, jwtParams(t, s, flows.AuthPrivateKeyJWT, c.path)), flows.Credentials{})
			step, err := m.Next(context.Background(), newEnv(t), flows.Input{})
			if err == nil || len(step.Exchanges) != 0 || step.Diagnosis == nil {
				t.Fatalf("err %v, %d exchanges", err, len(step.Exchanges))
			}
			if !strings.Contains(step.Diagnosis.Fix, c.want) || !strings.Contains(step.Diagnosis.Cause, "sent nothing") {
				t.Errorf("diagnosis %+v", step.Diagnosis)
			}
		})
	}
}

// client_secret_jwt: demo-jwt-app's 32-byte secret keys an HS256
// assertion; a shorter secret is refused before sending, naming RFC 7518
// §3.2, and the server's own refusal of one is explained the same way.
func TestClientSecretJWT(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.ClientCredentials, jwtParams(t, s, flows.AuthClientSecretJWT, "")), flows.Credentials{ClientSecret: spacetest.DemoJWTClientSecret})
	env, raw := recordingEnv(t)
	step := run(t, m, env, flows.Input{})
	j, _ := jwtcheck.Decode(raw.last(t).Get("client_assertion"))
	if m.State().Phase != flows.PhaseAuthorized || j == nil || j.Alg() != "HS256" || raw.last(t).Get("client_secret") != "" {
		t.Fatalf("phase %s, sent %v", m.State().Phase, raw.last(t))
	}
	details := strings.Join(step.Details, "\n")
	sig := raw.last(t).Get("client_assertion")[strings.LastIndex(raw.last(t).Get("client_assertion"), ".")+1:]
	if !strings.Contains(details, "HS256, an HMAC keyed with the client secret: •••") || strings.Contains(details, sig) {
		t.Errorf("details %s", details)
	}

	short := flows.Draft{Method: flows.ClientCredentials, Params: spaceParams(t, s), Creds: demoCreds()}
	short.Params.AuthStyle = flows.AuthClientSecretJWT
	var found bool
	for _, fe := range short.Check() {
		if fe.Field == flows.FieldClientSecret && fe.Blocking() && strings.Contains(fe.Err, "RFC 7518 §3.2") && strings.Contains(fe.Err, "11 bytes") {
			found = true
		}
	}
	if !found {
		t.Errorf("Check: %v", short.Check())
	}
	st, creds := short.Start()
	m, _ = flows.New(st, creds)
	step, err := m.Next(context.Background(), newEnv(t), flows.Input{})
	if err == nil || len(step.Exchanges) != 0 || !strings.Contains(step.Diagnosis.Fix, "RFC 7518 §3.2") {
		t.Fatalf("a short secret: err %v, %d exchanges, %+v", err, len(step.Exchanges), step.Diagnosis)
	}

	// An assertion HMAC'd with demo-app's 11-byte secret, sent anyway.
	m, _ = flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	req, _, _ := m.Pending(flows.Input{})
	req.Header.Del("Authorization")
	req.Form.Set("client_assertion_type", flows.ClientAssertionType)
	req.Form.Set("client_assertion", hs256(t, spacetest.DemoClientSecret, map[string]any{
		"iss": spacetest.DemoClientID, "sub": spacetest.DemoClientID, "aud": s.URL + "/oauth/token", "jti": "x1", "exp": time.Now().Add(time.Minute).Unix()}))
	step, err = m.Next(context.Background(), newEnv(t), flows.Input{Request: &req})
	if err == nil || !strings.Contains(step.Diagnosis.Cause, "32 bytes") || !strings.Contains(step.Diagnosis.Fix, spacetest.DemoJWTClientID) {
		t.Errorf("err %v, diagnosis %+v", err, step.Diagnosis)
	}
}

// hs256 signs a JWT with an HMAC key of any length, as a careless client
// would: go-jose refuses keys shorter than 32 bytes.
func hs256(t *testing.T, secret string, claims map[string]any) string {
	t.Helper()
	pad := secret + strings.Repeat("-", 32) // a key go-jose takes…
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(pad)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	jws, err := s.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	compact, _ := jws.CompactSerialize()
	return compact // …so the server's length check, not the MAC, refuses it
}

// SignAssertion is what the JWT-bearer grant signs with: the built-in
// server trades an assertion it signed with the printed demo key for a
// token acting for the user it names.
func TestSignAssertionIsAcceptedByTheJWTBearerGrant(t *testing.T) {
	s := newSpace(t)
	key, err := flows.LoadClientKey(writeKey(t, spacetest.DemoClientKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	claims := flows.AssertionClaims(spacetest.DemoJWTBearerIssuer, spacetest.DemoUsername, s.URL+"/oauth/token", time.Now())
	a, err := flows.SignAssertion(key, claims)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {spacetest.GrantTypeJWTBearer}, "assertion": {a}, "scope": {"**"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
	resp, err := wire.NewClient(10 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body) //nolint:errcheck
	if resp.StatusCode != 200 || body["access_token"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	if _, err := flows.SignAssertion(nil, claims); err == nil || !strings.Contains(err.Error(), "--private-key-file") {
		t.Errorf("no key: %v", err)
	}
}
