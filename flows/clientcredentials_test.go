package flows_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
)

func decodeJSON(r *http.Response, v any) error { return json.NewDecoder(r.Body).Decode(v) }

func TestClientCredentialsAgainstSpace(t *testing.T) {
	s := newSpace(t)
	m, err := flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	if err != nil {
		t.Fatal(err)
	}
	step := run(t, m, newEnv(t), flows.Input{})
	st := m.State()
	if st.Phase != flows.PhaseAuthorized || st.Token == nil {
		t.Fatalf("phase %s", st.Phase)
	}
	j, err := jwtcheck.Decode(st.Token.AccessToken.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	if j.Alg() != "RS512" || j.Str("principal_type") != "SERVICE" {
		t.Errorf("header %v claims %v", j.Header, j.Claims)
	}
	if len(step.Exchanges) != 1 {
		t.Fatalf("exchanges: %d", len(step.Exchanges))
	}
	ex := step.Exchanges[0]
	if auth := ex.Request.Header["Authorization"]; len(auth) != 1 || strings.Contains(auth[0], "demo-secret") || !strings.HasPrefix(auth[0], "Basic ") {
		t.Errorf("Authorization header not redacted: %v", auth)
	}
	if strings.Contains(ex.Response.Body, st.Token.AccessToken.Reveal()) {
		t.Error("the recorded response shows the whole access token")
	}
	if !strings.Contains(st.ActsFor(), "application") {
		t.Errorf("acts for %q", st.ActsFor())
	}
}

func TestClientCredentialsWrongSecret(t *testing.T) {
	s := newSpace(t)
	m, _ := flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), flows.Credentials{ClientSecret: "nope"})
	step, oe := failsWith(t, m, "invalid_client")
	if oe.Status != 401 || !strings.Contains(step.Diagnosis.Fix, "secret") {
		t.Fatalf("diagnosis %+v", step.Diagnosis)
	}
	if strings.Contains(step.Diagnosis.Raw+step.Diagnosis.Cause, "nope") {
		t.Error("the secret leaked into an error")
	}
}
