package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

func TestIntrospectRevokeAndCallAPI(t *testing.T) {
	s := newSpace(t)
	env := newEnv(t)
	m, _ := flows.New(flows.Start(flows.ClientCredentials, spaceParams(t, s)), demoCreds())
	run(t, m, env, flows.Input{})
	st := m.State()
	info, ex, err := flows.Introspect(context.Background(), env, st, demoCreds(), st.Token.AccessToken)
	if err != nil || info["active"] != true || len(ex) != 1 {
		t.Fatalf("%v %v", err, info)
	}
	resp, err := flows.CallAPI(context.Background(), env, st.Params.Provider, st.Token.AccessToken, flows.DefaultTestCall(st.Params.Provider, st.Method))
	if err != nil || resp.Status != 200 || !strings.Contains(resp.Body, `"clientId": "demo-app"`) {
		t.Fatalf("%v %+v", err, resp)
	}
	if _, err := flows.Revoke(context.Background(), env, st, demoCreds(), st.Token.AccessToken, "access_token"); err != nil {
		t.Fatal(err)
	}
	resp, err = flows.CallAPI(context.Background(), env, st.Params.Provider, st.Token.AccessToken, flows.DefaultTestCall(st.Params.Provider, st.Method))
	if err != nil || resp.Status != 401 || resp.Error == nil || resp.Error.Code != "authentication-required" {
		t.Fatalf("a revoked token still works: %v %+v", err, resp)
	}
	if d := flows.Explain(resp.Error, flows.ExplainContext{}); !strings.Contains(d.Fix, "new access token") {
		t.Errorf("fix: %s", d.Fix)
	}
}
