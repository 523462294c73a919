package spacesig_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/flows/spacetest"
)

func TestEndpointBadInputKeepsServing(t *testing.T) {
	var mu sync.Mutex
	var got []spacesig.Received
	ep, err := spacesig.Listen("127.0.0.1:0", func() spacesig.Keys {
		return spacesig.Keys{SigningKey: "k", Now: time.Now()}
	}, func(r spacesig.Received) { mu.Lock(); got = append(got, r); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	if _, err := spacesig.Listen("192.0.2.1:0", nil, nil); err == nil || !strings.Contains(err.Error(), "loopback only") {
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
	signed, _ := spacesig.Sign("k", []byte(`{}`), time.Now())
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

// postSigned sends body with the given Space headers to the endpoint over
// real HTTP and returns the HTTP status.
func postSigned(t *testing.T, url string, h http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h.Clone()
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A request the built-in server signed passes once; the very same bytes sent
// again inside the window are a replay, while a new request still passes. A
// timestamp ahead of the clock is called what it is.
func TestEndpointRefusesAReplayAndNamesAFutureTimestamp(t *testing.T) {
	s := spacetest.Start(t)
	var mu sync.Mutex
	var got []spacesig.Received
	ep, err := spacesig.Listen("127.0.0.1:0", func() spacesig.Keys {
		return spacesig.Keys{SigningKey: spacetest.DemoSigningKey, Now: time.Now()}
	}, func(r spacesig.Received) { mu.Lock(); got = append(got, r); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	body := spacetest.ChatMessagePayload(spacetest.DemoClientID)
	signed, err := s.SignedHeaders(spacetest.DemoClientID, body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.SignedHeaders(spacetest.DemoClientID, append(bytes.Clone(body), '\n'), time.Now())
	future, _ := s.SignedHeaders(spacetest.DemoClientID, body, time.Now().Add(10*time.Minute))
	sends := []struct {
		header http.Header
		body   []byte
		status int
		reason string
	}{
		{signed, body, http.StatusOK, ""},
		{signed, body, http.StatusUnauthorized, "replay: this exact signed request was already accepted at "},
		{other, append(bytes.Clone(body), '\n'), http.StatusOK, ""},
		{future, body, http.StatusUnauthorized, "timestamp: the timestamp is 10 min in the future"},
	}
	for i, c := range sends {
		if status := postSigned(t, ep.URL+"/space", c.header, c.body); status != c.status {
			t.Errorf("request %d: HTTP %d, want %d", i+1, status, c.status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(sends) {
		t.Fatalf("%d reports for %d requests", len(got), len(sends))
	}
	for i, c := range sends {
		if reason := got[i].Check.Reason(); got[i].Check.OK != (c.reason == "") || !strings.HasPrefix(reason, c.reason) {
			t.Errorf("request %d: ok=%v %q, want %q", i+1, got[i].Check.OK, reason, c.reason)
		}
	}
	if r := got[3].Check.Reason(); strings.Contains(r, "old") || !strings.Contains(r, "clock") {
		t.Errorf("a future timestamp is explained as %q", r)
	}
}
