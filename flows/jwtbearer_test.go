package flows_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// demoClientKey is the published key demo-app's JWT-bearer grant trusts.
func demoClientKey(t *testing.T) any {
	t.Helper()
	block, _ := pem.Decode([]byte(spacetest.DemoClientKeyPEM))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// assertionClaims are what the built-in server wants of a grant assertion:
// iss the issuer demo-app trusts, sub a user, aud its token endpoint.
func assertionClaims(s *spacetest.Server, sub string) map[string]any {
	now := time.Now()
	jti := make([]byte, 12)
	rand.Read(jti) //nolint:errcheck // crypto/rand does not fail
	return map[string]any{"iss": spacetest.DemoJWTBearerIssuer, "sub": sub, "aud": s.URL + "/oauth/token",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": hex.EncodeToString(jti)}
}

// signJWT is the issuer's side, written with go-jose so the test checks
// authplay's client and not a signer of its own.
func signJWT(t *testing.T, key any, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func presenter(t *testing.T, s *spacetest.Server, assertion string) flows.Machine {
	t.Helper()
	p := spaceParams(t, s)
	creds := demoCreds()
	creds.Assertion = flows.Secret(assertion + "\n") // as a file holds it
	m, err := flows.New(flows.Start(flows.JWTBearer, p), creds)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An assertion signed with the demo key buys a token for its user; the
// step shows the assertion decoded, each claim explained, and the request
// shows it masked.
func TestJWTBearerAgainstTheBuiltInServer(t *testing.T) {
	s := newSpace(t)
	claims := assertionClaims(s, "alice")
	assertion := signJWT(t, demoClientKey(t), claims)
	m := presenter(t, s, assertion)
	step := run(t, m, newEnv(t), flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatalf("phase %s", m.State().Phase)
	}
	for _, want := range []string{"signed by demo-app about alice", "signed with RS256", "iss demo-app: who vouches", "sub alice: whom the token will act for",
		"aud " + s.URL + "/oauth/token: the server", "): when it stops being accepted", "jti " + claims["jti"].(string) + ": a unique ID", "RFC 7523 §2.1"} {
		if !strings.Contains(step.WhatHappened, want) {
			t.Errorf("the step does not say %q:\n%s", want, step.WhatHappened)
		}
	}
	if body := step.Exchanges[0].Request.Body; strings.Contains(body, assertion) || !strings.Contains(body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") {
		t.Errorf("the recorded request: %s", body)
	}
	if call := run(t, m, newEnv(t), flows.Input{Action: flows.ActionCallAPI}); !call.OK || m.State().ActsFor() != "user alice" {
		t.Errorf("the token does not act for alice: %q", m.State().ActsFor())
	}
}

// A wrong key and a reused jti are refused by the server and explained:
// what went wrong, and what to do, in the built-in server's words.
func TestJWTBearerRefusalsAreExplained(t *testing.T) {
	s := newSpace(t)
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	used := signJWT(t, demoClientKey(t), assertionClaims(s, "demo"))
	run(t, presenter(t, s, used), newEnv(t), flows.Input{})
	for _, c := range []struct {
		name      string
		assertion string
		fix, why  string
	}{
		{"a wrong key", signJWT(t, stranger, assertionClaims(s, "demo")), "authplay demo-server --print-client-key", "signature does not verify"},
		{"a reused jti", used, "fresh jti", "seen this assertion's jti before"},
		{"an unknown user", signJWT(t, demoClientKey(t), assertionClaims(s, "mallory")), "demo or alice", "does not name a user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			step, _ := failsWith(t, presenter(t, s, c.assertion), "invalid_grant")
			d := step.Diagnosis
			if !strings.Contains(d.Fix, c.fix) || !strings.Contains(d.Cause, c.why) || d.Refs == "" {
				t.Errorf("diagnosis:\nfix: %s\nwhy: %s", d.Fix, d.Cause)
			}
			if !strings.Contains(step.WhatHappened, "The assertion, decoded") {
				t.Errorf("a refused assertion is not shown decoded:\n%s", step.WhatHappened)
			}
			if strings.Contains(d.Fix+d.Cause+d.Raw+step.WhatHappened, c.assertion) {
				t.Error("the assertion is whole in what a person reads")
			}
		})
	}
}

// What is not a JWT is not sent; what the server will refuse is said
// before it answers.
func TestJWTBearerChecksTheAssertionFirst(t *testing.T) {
	s := newSpace(t)
	_, ok, err := presenter(t, s, "not a jwt").Pending(flows.Input{})
	if ok || err == nil || !strings.Contains(err.Error(), "not a JWT") || strings.Contains(err.Error(), "not a jwt") {
		t.Fatalf("not a JWT: %v %v", ok, err)
	}
	claims := assertionClaims(s, "demo")
	claims["aud"] = "https://elsewhere.example/token"
	delete(claims, "jti")
	m := presenter(t, s, signJWT(t, demoClientKey(t), claims))
	step, _ := m.Next(t.Context(), newEnv(t), flows.Input{})
	notes := strings.Join(step.Notes, "\n")
	if !strings.Contains(notes, "names neither this token URL") || !strings.Contains(notes, "no jti") || step.Diagnosis == nil {
		t.Errorf("notes:\n%s\ndiagnosis %+v", notes, step.Diagnosis)
	}
}
