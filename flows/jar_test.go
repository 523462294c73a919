package flows_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacetest"
)

// jarParams are demo-app's, its authorization request signed with the
// published demo key, which the built-in server trusts for request
// objects; the key is read already, as the form and authplay token do.
func jarParams(t *testing.T, s *spacetest.Server) (flows.Params, flows.Credentials) {
	t.Helper()
	p := spaceParams(t, s)
	p.RequestObject, p.PrivateKeyFile = true, writeKey(t, spacetest.DemoClientKeyPEM)
	creds := demoCreds()
	k, err := flows.LoadClientKey(p.PrivateKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	creds.ClientKey = k
	return p, creds
}

func queryKeys(t *testing.T, raw string) []string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// finishCode approves the browser's URL as the demo user and runs the
// redirect and the exchange to a token.
func finishCode(t *testing.T, s *spacetest.Server, m flows.Machine, env flows.Env) {
	t.Helper()
	go approveHeadless(t, s, m.State().AuthURL)
	run(t, m, env, flows.Input{})
	run(t, m, env, flows.Input{})
	if st := m.State(); st.Phase != flows.PhaseAuthorized || st.Token == nil {
		t.Fatalf("phase %s", st.Phase)
	}
}

// JAR against the built-in server over real HTTP: the browser's URL
// carries client_id and the signed request object alone; the step shows
// the object decoded claim by claim; the server verifies it and the code
// it issues becomes a token. Pushed (PAR on), the push carries the object
// instead of the parameters.
func TestRequestObject(t *testing.T) {
	s := newSpace(t)
	t.Run("in the URL", func(t *testing.T) {
		p, creds := jarParams(t, s)
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
		env := newEnv(t)
		if pending, _, err := m.Pending(flows.Input{}); err != nil || !strings.Contains(pending.Why(), "RFC 9101 §5") {
			t.Errorf("step mode does not say what request= is: %v %q", err, pending.Why())
		}
		step := run(t, m, env, flows.Input{})
		st := m.State()
		if keys := queryKeys(t, st.AuthURL); !slices.Equal(keys, []string{"client_id", "request"}) {
			t.Fatalf("the browser's URL carries %v", keys)
		}
		obj, err := jwtcheck.Decode(mustParse(t, st.AuthURL).Get("request"))
		if err != nil || obj.Header["typ"] != "oauth-authz-req+jwt" || obj.Str("iss") != spacetest.DemoClientID || obj.Str("aud") != s.URL ||
			obj.Str("client_id") != spacetest.DemoClientID || obj.Str("state") != st.StateValue || obj.Str("redirect_uri") != st.RedirectURI {
			t.Fatalf("the request object: %v %v %v", err, obj.Header, obj.Claims)
		}
		details := strings.Join(step.Details, "\n")
		for _, want := range []string{"Request object (RFC 9101), decoded", "  scope  **", "  state  " + st.StateValue, "  code_challenge_method  S256",
			"  iss  demo-app: who signed it", "  aud  " + s.URL + ": the server it is for", "  exp  10 min after iat"} {
			if !strings.Contains(details, want) {
				t.Errorf("the step's details lack %q:\n%s", want, details)
			}
		}
		if !strings.Contains(step.WhatHappened, "RFC 9101 §5") {
			t.Errorf("the step does not tell the request object: %s", step.WhatHappened)
		}
		finishCode(t, s, m, env)
	})
	t.Run("pushed", func(t *testing.T) {
		p, creds := jarParams(t, s)
		p.PAR = true
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
		env := newEnv(t)
		step := run(t, m, env, flows.Input{})
		body, _ := url.ParseQuery(step.Exchanges[0].Request.Body)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range body {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"client_id", "request"}) || !strings.Contains(step.WhatHappened, "signed request object") ||
			!strings.Contains(strings.Join(step.Details, "\n"), "Request object (RFC 9101), decoded") {
			t.Fatalf("the push carries %v: %s\n%v", keys, step.WhatHappened, step.Details)
		}
		run(t, m, env, flows.Input{})
		if keys := queryKeys(t, m.State().AuthURL); !slices.Equal(keys, []string{"client_id", "request_uri"}) {
			t.Fatalf("the browser's URL carries %v", keys)
		}
		finishCode(t, s, m, env)
	})
}

func mustParse(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// unsignedObject is a request object with alg none: claims anyone could
// have written.
func unsignedObject(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	body, _ := json.Marshal(claims)
	return enc([]byte(`{"alg":"none","typ":"oauth-authz-req+jwt"}`)) + "." + enc(body) + "."
}

// The built-in server refuses a request object signed with a key it does
// not hold, one out of date, and an unsigned one; at the push each is a
// failed step whose diagnosis says what to sign with, and in the browser
// the server's own page says it, explained the same way.
func TestRequestObjectRefused(t *testing.T) {
	s := newSpace(t)
	other, err := flows.GenerateClientKey(true)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := other.PEM()
	otherFile := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(otherFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	demoKey, err := flows.LoadClientKey(writeKey(t, spacetest.DemoClientKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	// claims are what authplay signs for this machine's push, changed by edit.
	claims := func(m flows.Machine, edit func(map[string]any)) map[string]any {
		req, _, err := m.Pending(flows.Input{})
		if err != nil {
			t.Fatal(err)
		}
		j, err := jwtcheck.Decode(req.Form.Get("request"))
		if err != nil {
			t.Fatal(err)
		}
		c := map[string]any{}
		for k, v := range j.Claims {
			c[k] = v
		}
		c["jti"] = "edited-by-hand"
		edit(c)
		return c
	}
	pushEdited := func(t *testing.T, object func(flows.Machine) string) (flows.Step, *flows.OAuthError) {
		p, creds := jarParams(t, s)
		p.PAR = true
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
		req, _, _ := m.Pending(flows.Input{})
		req.Form.Set("request", object(m))
		step, err := m.Next(context.Background(), newEnv(t), flows.Input{Request: &req})
		oe, _ := err.(*flows.OAuthError)
		if oe == nil || oe.Code != "invalid_request_object" || step.Diagnosis == nil {
			t.Fatalf("want invalid_request_object, got %v", err)
		}
		return step, oe
	}
	cases := []struct {
		name, desc string
		object     func(flows.Machine) string
	}{
		{"expired", "expired", func(m flows.Machine) string {
			o, _ := flows.SignAssertion(demoKey, claims(m, func(c map[string]any) {
				c["iat"], c["exp"] = time.Now().Add(-time.Hour).Unix(), time.Now().Add(-50*time.Minute).Unix()
			}))
			return o
		}},
		{"unsigned", "none", func(m flows.Machine) string { return unsignedObject(claims(m, func(map[string]any) {})) }},
		{"signed by another key", "signature", func(m flows.Machine) string {
			o, _ := flows.SignAssertion(other, claims(m, func(map[string]any) {}))
			return o
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			step, oe := pushEdited(t, c.object)
			d := step.Diagnosis
			if !strings.Contains(strings.ToLower(oe.Description), c.desc) || !strings.Contains(d.Refs, "RFC 9101") || !strings.Contains(d.Fix, "--print-client-key") {
				t.Errorf("refusal %q explained as %+v", oe.Description, d)
			}
		})
	}

	// The key file authplay signs with is not the client's: the same refusal.
	t.Run("key file not registered", func(t *testing.T) {
		p, creds := jarParams(t, s)
		p.PAR, p.PrivateKeyFile, creds.ClientKey = true, otherFile, nil
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
		step, oe := failsWith(t, m, "invalid_request_object")
		// The key file is read when the push is made, and what it signed is refused.
		if !strings.Contains(oe.Description, "not registered") || !strings.Contains(strings.Join(step.Details, "\n"), "Request object (RFC 9101), decoded") {
			t.Errorf("refused for %q; the step shows %v", oe.Description, step.Details)
		}
	})

	// In the browser's URL, the server refuses on its page.
	t.Run("in the URL", func(t *testing.T) {
		p, creds := jarParams(t, s)
		m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
		env := newEnv(t)
		run(t, m, env, flows.Input{})
		q := mustParse(t, m.State().AuthURL)
		j, _ := jwtcheck.Decode(q.Get("request"))
		q.Set("request", unsignedObject(j.Claims))
		u, _ := url.Parse(m.State().AuthURL)
		u.RawQuery = q.Encode()
		page := approveRefused(t, s, u.String())
		d := flows.Explain(page, m.State().ExplainContext(""))
		if page.Code != "invalid_request_object" || !strings.Contains(d.Cause, "page of its own") || !strings.Contains(d.Refs, "RFC 9101") {
			t.Errorf("%+v explained as %+v", page, d)
		}
	})

	// Without a key file: a clear setting error before anything is sent.
	t.Run("no key", func(t *testing.T) {
		p := spaceParams(t, s)
		p.RequestObject = true
		d := flows.Draft{Method: flows.AuthorizationCode, Params: p, Creds: demoCreds()}
		var found bool
		for _, fe := range d.Check() {
			found = found || (fe.Field == flows.FieldPrivateKeyFile && strings.Contains(fe.Err, "request object"))
		}
		if !found {
			t.Errorf("no key file: %v", d.Check())
		}
	})
}
