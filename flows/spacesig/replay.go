package spacesig

import (
	"crypto/sha256"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/authplay/authplay/flows"
)

// DefaultReplayLimit is how many accepted requests a Verifier remembers at
// most. Space sends a few requests a minute to an application; ten thousand
// within one window is far beyond that, and costs well under a megabyte.
const DefaultReplayLimit = 10_000

// Verifier checks requests as Verify does and also refuses replays: a
// signature only proves who made a request, not that it is new, so a
// captured request would pass again until its timestamp leaves the window. The verifier remembers each request it accepted until then.
// The zero value is ready to use; it is safe for concurrent use.
type Verifier struct {
	// Limit caps how many accepted requests are remembered at once;
	// 0 means DefaultReplayLimit.
	Limit int

	mu        sync.Mutex
	accepted  map[[sha256.Size]byte]acceptance
	nextSweep time.Time
}

// acceptance is when a request was accepted, and until when a copy of it
// could still pass the timestamp check.
type acceptance struct{ at, until time.Time }

// Verify checks one request. A request that passes every other check is
// refused if the same signed request was accepted before and its
// timestamp is still inside the window.
func (v *Verifier) Verify(h http.Header, body []byte, k Keys) Check {
	k = k.withDefaults()
	c := Verify(h, body, k)
	if !c.OK {
		return c // only accepted requests are remembered, so junk costs no memory
	}
	ms, err := strconv.ParseInt(c.Timestamp, 10, 64)
	if err != nil { // cannot happen: an accepted request has a valid timestamp
		return c
	}
	// The signatures cover exactly "timestamp:body", so those bytes are the
	// request's identity; keying on them rather than on the signature
	// headers also catches a copy whose signature was re-encoded (upper-case
	// hex, other base64 padding) and still verifies.
	id := sha256.Sum256(append([]byte(c.Timestamp+":"), body...))
	until := time.UnixMilli(ms).Add(k.Window)

	v.mu.Lock()
	defer v.mu.Unlock()
	v.forgetExpired(k.Now, k.Window)
	if prior, seen := v.accepted[id]; seen {
		c.OK = false
		c.Verdicts = append(c.Verdicts, flows.Verdict{Check: "replay", Outcome: flows.Fail, Detail: "this exact signed request was already accepted at " +
			prior.at.Local().Format("15:04:05") + "; a replayed request must be refused, or whoever captured it could repeat its effect until its timestamp is " +
			flows.Human(k.Window) + " old"})
		return c
	}
	if len(v.accepted) >= v.limit() {
		// Refusing is safer than forgetting an earlier request, which could
		// then be replayed unnoticed.
		c.OK = false
		c.Verdicts = append(c.Verdicts, flows.Verdict{Check: "replay memory", Outcome: flows.Fail, Detail: "authplay already remembers " + strconv.Itoa(len(v.accepted)) +
			" requests accepted within the last " + flows.Human(k.Window) + ", its limit; it refuses this one rather than forget an earlier one, which could then be replayed"})
		return c
	}
	if v.accepted == nil {
		v.accepted = map[[sha256.Size]byte]acceptance{}
	}
	v.accepted[id] = acceptance{at: k.Now, until: until}
	c.Verdicts = append(c.Verdicts, flows.Verdict{Check: "replay", Outcome: flows.Pass, Detail: "first time this signed request arrived; authplay remembers it until " +
		until.Local().Format("15:04:05") + " and refuses a copy until then"})
	return c
}

// forgetExpired drops the requests whose timestamps have left the window:
// a copy of one would fail the timestamp check anyway. It sweeps at most
// once a minute, or when the memory is full, so a busy endpoint does not
// walk the whole map for every request.
func (v *Verifier) forgetExpired(now time.Time, window time.Duration) {
	if now.Before(v.nextSweep) && len(v.accepted) < v.limit() {
		return
	}
	for id, a := range v.accepted {
		if now.After(a.until) { // at until itself the timestamp still passes
			delete(v.accepted, id)
		}
	}
	v.nextSweep = now.Add(min(time.Minute, window))
}

func (v *Verifier) limit() int {
	if v.Limit <= 0 {
		return DefaultReplayLimit
	}
	return v.Limit
}
