package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// A value that is there but unusable gets a fix that says what to do, not
// the problem again: a pasted token with a character outside ASCII, an
// assertion that is not a JWT. Nothing is sent.
func TestUnusableValuesSayWhatToDo(t *testing.T) {
	s := newSpace(t)
	for _, c := range []struct {
		d    flows.Draft
		want string
	}{
		{flows.Draft{Method: flows.PermanentToken, Params: flows.Params{Provider: flows.Provider{Kind: flows.KindEndpoints, APIBase: s.URL}}, Seed: "tokén-0123456789"}, "Paste the token again"},
		{flows.Draft{Method: flows.JWTBearer, Params: spaceParams(t, s), Creds: flows.Credentials{ClientSecret: "demo-secret", Assertion: "abc"}}, "three base64url parts"},
	} {
		st, creds := c.d.Start()
		m, err := flows.New(st, creds)
		if err != nil {
			t.Fatal(err)
		}
		step, _ := m.Next(context.Background(), newEnv(t), flows.Input{})
		if step.Diagnosis == nil || !strings.Contains(step.Diagnosis.Fix, c.want) || len(step.Exchanges) != 0 {
			t.Errorf("%s: %+v", c.d.Method, step.Diagnosis)
		}
	}
}
