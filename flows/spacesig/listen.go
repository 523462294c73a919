package spacesig

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// Received is one request that reached the endpoint, with its verification.
type Received struct {
	At     time.Time         `json:"at"`
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Header map[string]string `json:"header"` // the Space headers, signatures peeked
	Body   string            `json:"body"`   // clipped for the screen
	Size   int               `json:"size"`
	Check  Check             `json:"check"`
}

// Endpoint plays the application's endpoint on a loopback address: every
// request is verified (replays refused) and reported, and the endpoint
// keeps serving whatever arrives.
type Endpoint struct {
	URL string

	srv      *http.Server
	keys     func() Keys
	verifier Verifier // one per endpoint: it remembers what it accepted, to refuse replays
	report   func(Received)
	mu       sync.Mutex
}

// Listen starts an endpoint on addr (loopback only). keys is asked
// for the current keys at each request; report gets each request.
func Listen(addr string, keys func() Keys, report func(Received)) (*Endpoint, error) {
	if err := CheckLoopbackAddr(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w (is another program using the port?)", addr, err)
	}
	e := &Endpoint{URL: "http://" + ln.Addr().String(), keys: keys, report: report}
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go e.srv.Serve(ln) //nolint:errcheck // returns on Close
	return e, nil
}

// Close stops the endpoint.
func (e *Endpoint) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return e.srv.Shutdown(ctx)
}

func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, wire.MaxBody+1))
	rec := Received{At: time.Now(), Method: r.Method, Path: r.URL.Path, Size: len(body), Header: map[string]string{}}
	for _, h := range []string{"X-Space-Timestamp", "X-Space-Signature", "X-Space-Public-Key-Signature", "Content-Type"} {
		if v := r.Header.Get(h); v != "" {
			rec.Header[h] = v
			if strings.Contains(h, "Signature") {
				rec.Header[h] = wire.Peek(v)
			}
		}
	}
	switch {
	case err != nil:
		rec.Check = Check{Verdicts: []flows.Verdict{{Check: "body", Outcome: flows.Fail, Detail: "the body could not be read: " + err.Error()}}}
	case len(body) > wire.MaxBody:
		rec.Check = Check{Verdicts: []flows.Verdict{{Check: "body", Outcome: flows.Fail, Detail: "the body is larger than 1 MiB; Space's payloads are a few kilobytes, so it was not checked"}}}
	default:
		rec.Check = e.verifier.Verify(r.Header, body, e.keys())
	}
	rec.Body = wire.Clip(string(body[:min(len(body), 64<<10)]))
	e.mu.Lock()
	e.report(rec)
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !rec.Check.OK {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "{\"verified\":false,\"reason\":%q}\n", rec.Check.Reason())
		return
	}
	fmt.Fprintf(w, "{\"verified\":true,\"method\":%q}\n", rec.Check.Method)
}

// CheckLoopbackAddr accepts host:port on a loopback address only: an
// endpoint that takes signed requests must not be reachable from the network.
func CheckLoopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w (expected 127.0.0.1:PORT)", addr, err)
	}
	if host != "127.0.0.1" && host != "::1" && host != "localhost" {
		return fmt.Errorf("address %q: authplay listens on loopback only (127.0.0.1, [::1] or localhost)", addr)
	}
	return nil
}
