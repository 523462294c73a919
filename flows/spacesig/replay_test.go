package spacesig_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacesig"
)

// The verifier remembers accepted requests only while their timestamps are
// inside the window, never more than its limit, and refuses rather than
// forgets when full.
func TestReplayMemoryExpiresAndIsBounded(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := &spacesig.Verifier{Limit: 2}
	verify := func(body string, signedAt, now time.Time) spacesig.Check {
		t.Helper()
		h, err := spacesig.Sign("k", []byte(body), signedAt)
		if err != nil {
			t.Fatal(err)
		}
		return v.Verify(h, []byte(body), spacesig.Keys{SigningKey: "k", Now: now})
	}
	steps := []struct {
		body          string
		signedAt, now time.Time
		reason        string // "" for accepted
	}{
		{`{"n":1}`, t0, t0, ""},
		{`{"n":2}`, t0, t0.Add(time.Second), ""},
		{`{"n":3}`, t0, t0.Add(2 * time.Second), "replay memory: authplay already remembers 2 requests"},
		{`{"n":1}`, t0, t0.Add(4 * time.Minute), "replay: this exact signed request was already accepted at " + t0.Local().Format("15:04:05")},
		{`{"n":1}`, t0, t0.Add(5*time.Minute + time.Second), "timestamp: the request is dated"},
		// Both earlier requests have left the window, so they were forgotten
		// and there is room again.
		{`{"n":4}`, t0.Add(5*time.Minute + time.Second), t0.Add(5*time.Minute + time.Second), ""},
		{`{"n":4}`, t0.Add(5*time.Minute + time.Second), t0.Add(6 * time.Minute), "replay: "},
	}
	for i, s := range steps {
		c := verify(s.body, s.signedAt, s.now)
		if c.OK != (s.reason == "") || !strings.HasPrefix(c.Reason(), s.reason) {
			t.Errorf("step %d (%s at +%s): ok=%v %q, want %q", i+1, s.body, s.now.Sub(t0), c.OK, c.Reason(), s.reason)
		}
	}
}

// Copies of one request arriving at the same moment: exactly one passes.
func TestConcurrentCopiesPassOnce(t *testing.T) {
	var v spacesig.Verifier
	now := time.Now()
	body := []byte(`{"className":"ChatMessageCreatedEvent"}`)
	h, _ := spacesig.Sign("k", body, now)
	var passed sync.Map
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if c := v.Verify(h.Clone(), body, spacesig.Keys{SigningKey: "k", Now: now}); c.OK {
				passed.Store(i, true)
			} else if !strings.HasPrefix(c.Reason(), "replay: ") {
				t.Errorf("copy %d: %s", i, c.Reason())
			}
		})
	}
	wg.Wait()
	n := 0
	passed.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Fatalf("%d copies passed, want 1", n)
	}
}
