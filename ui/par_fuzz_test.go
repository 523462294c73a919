package ui

import (
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// The fuzzer's seeds reach the Pushed request field and a pushed run:
// parSeed's keys, played with a wait for what each must show, turn it on,
// pause in step mode before the push (which says what it is), go on
// through the browser (approved as the demo user) and end with a token.
func TestFuzzSeedReachesPushedRequest(t *testing.T) {
	srv := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second), spacetest.WithHeadlessApproval(true))
	h := newFuzzHarness(t, srv, t.TempDir(), parSeed)
	h.keep = true
	defer h.close()
	after := map[int]string{
		15: "› Pushed request ‹ on ›",
		17: "The push (PAR)",
		18: "paused before sending the browser",
		19: "a approve (demo)",
		20: "POST " + srv.URL + "/oauth/token",
		22: "Access token",
	}
	for i := 1; i < len(parSeed); i++ {
		if k, ok := fuzzEvent(parSeed[i]); ok {
			h.deliver(k)
		}
		if want := after[i]; want != "" {
			h.until("showing "+want, 20*time.Second, func() bool { return h.seen(want) })
		}
	}
	if !h.seen("POST "+srv.URL+"/oauth/par") || !h.seen("request_uri") {
		t.Error("the push or the reference never showed")
	}
}

// jarSeed reaches the Request object field: on, it brings the private key
// file's row, and a run without a key is stopped at that row.
func TestFuzzSeedReachesRequestObject(t *testing.T) {
	srv := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second), spacetest.WithHeadlessApproval(true))
	h := newFuzzHarness(t, srv, t.TempDir(), jarSeed)
	h.keep = true
	defer h.close()
	for i := 1; i < len(jarSeed); i++ {
		if k, ok := fuzzEvent(jarSeed[i]); ok {
			h.deliver(k)
			h.collect()
		}
	}
	h.until("asking for the key", 10*time.Second, func() bool {
		return h.seen("› Request object ‹ on ›") && h.seen("Private key file") && h.seen("required for a request object")
	})
}
