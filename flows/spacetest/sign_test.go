package spacetest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/flows/spacetest"
)

// The server signs a chat message the way Space does; flows' verifier, fed
// the keys a real app would have (its signing key, and Space's public keys
// fetched with an application token), passes it and fails each tampering.
func TestSignedRequestsToAnEndpoint(t *testing.T) {
	s := spacetest.Start(t)
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"client_credentials"}})
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/http/applications/me/public-keys", nil)
	req.Header.Set("Authorization", "Bearer "+r.body["access_token"].(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(raw), `"`) {
		t.Fatalf("Space returns the key set as a JSON string; got %.40s", raw)
	}
	keys, err := jwtcheck.ParseJWKS(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan spacesig.Check, 1)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- spacesig.Verify(r.Header, body, spacesig.Keys{SigningKey: spacetest.DemoSigningKey, PublicKeys: keys})
	}))
	defer endpoint.Close()
	cases := map[spacetest.Tamper]string{
		spacetest.TamperNone:     "",
		spacetest.TamperWrongKey: "signing key: HMAC-SHA256",
		spacetest.TamperBody:     "signing key: HMAC-SHA256",
		spacetest.TamperStale:    "timestamp: the request is dated",
		spacetest.TamperSeconds:  "timestamp: X-Space-Timestamp",
	}
	for tamper, reason := range cases {
		resp, err := s.SendToEndpoint(context.Background(), endpoint.URL, spacetest.DemoClientID, spacetest.ChatMessagePayload(spacetest.DemoClientID), tamper)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c := <-got
		if tamper == spacetest.TamperNone {
			if !c.OK || c.Method != "signing key and public key" {
				t.Errorf("a correct request failed: %+v", c)
			}
			continue
		}
		if c.OK || !strings.HasPrefix(c.Reason(), reason) {
			t.Errorf("%s: ok=%v reason %q, want %q…", tamper, c.OK, c.Reason(), reason)
		}
		if tamper == spacetest.TamperWrongKey || tamper == spacetest.TamperBody {
			if pk := verdict(c, "public key"); pk.Outcome != flows.Fail {
				t.Errorf("%s: the public-key check did not fail: %+v", tamper, pk)
			}
		}
	}
}

func verdict(c spacesig.Check, name string) flows.Verdict {
	for _, v := range c.Verdicts {
		if v.Check == name {
			return v
		}
	}
	return flows.Verdict{}
}
