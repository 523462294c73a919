package flows_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
)

func TestEndpointBadInputKeepsServing(t *testing.T) {
	var mu sync.Mutex
	var got []flows.Received
	ep, err := flows.ListenEndpoint("127.0.0.1:0", func() flows.EndpointKeys {
		return flows.EndpointKeys{SigningKey: "k", Now: time.Now()}
	}, func(r flows.Received) { mu.Lock(); got = append(got, r); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	if _, err := flows.ListenEndpoint("192.0.2.1:0", nil, nil); err == nil || !strings.Contains(err.Error(), "loopback only") {
		t.Fatalf("a non-loopback address: %v", err)
	}
	post := func(body string, h map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, ep.URL+"/x", strings.NewReader(body))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	signed, _ := flows.SignWithSigningKey("k", []byte(`{}`), time.Now())
	cases := []struct {
		body   string
		header map[string]string
		reason string
	}{
		{strings.Repeat("x", 2<<20), nil, "body: the body is larger than 1 MiB"},
		{`{}`, map[string]string{"X-Space-Timestamp": "yesterday", "X-Space-Signature": "00"}, `timestamp: X-Space-Timestamp is "yesterday"`},
		{`{}`, map[string]string{"X-Space-Timestamp": signed.Get("X-Space-Timestamp"), "X-Space-Signature": "abc"}, "signing key: X-Space-Signature must be 64 hex characters"},
		{`{}`, map[string]string{"X-Space-Timestamp": signed.Get("X-Space-Timestamp"), "X-Space-Signature": signed.Get("X-Space-Signature")}, ""},
	}
	for _, c := range cases {
		status := post(c.body, c.header)
		if (c.reason == "") != (status == 200) {
			t.Errorf("%.30q: HTTP %d", c.body, status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(cases) {
		t.Fatalf("%d reports", len(got))
	}
	for i, c := range cases {
		if c.reason == "" {
			if !got[i].Check.OK {
				t.Errorf("valid request failed: %s", got[i].Check.Reason())
			}
			continue
		}
		if got[i].Check.OK || !strings.HasPrefix(got[i].Check.Reason(), c.reason) {
			t.Errorf("case %d: %q, want %q", i, got[i].Check.Reason(), c.reason)
		}
	}
}
