package flows_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
)

// A client-credentials exchange through flows (state machine, x/oauth2,
// recording and redaction, parsing) against the same request as a bare
// http.Post to the same in-process server:
//
//	go test -run '^$' -bench 'ClientCredentials' -count 8 ./flows/
func BenchmarkClientCredentialsThroughFlows(b *testing.B) {
	s := spacetest.Start(b)
	p, _ := flows.Space(s.URL)
	params := flows.Params{Provider: p, ClientID: spacetest.DemoClientID, Scope: "**"}
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second)}
	creds := flows.Credentials{ClientSecret: spacetest.DemoClientSecret}
	for b.Loop() {
		m, _ := flows.New(flows.Start(flows.ClientCredentials, params), creds)
		if _, err := m.Next(context.Background(), env, flows.Input{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientCredentialsBarePost(b *testing.B) {
	s := spacetest.Start(b)
	c := wire.NewClient(10 * time.Second)
	body := url.Values{"grant_type": {"client_credentials"}, "scope": {"**"}}.Encode()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(spacetest.DemoClientID, spacetest.DemoClientSecret)
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}
