package flows

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/jwtcheck"
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
	Check  EndpointCheck     `json:"check"`
}

// Endpoint plays the application's endpoint on a loopback address: every
// request is verified (replays refused) and reported, and the endpoint
// keeps serving whatever arrives.
type Endpoint struct {
	URL string

	srv      *http.Server
	keys     func() EndpointKeys
	verifier SpaceRequestVerifier // one per endpoint: it remembers what it accepted, to refuse replays
	report   func(Received)
	mu       sync.Mutex
}

// ListenEndpoint starts an endpoint on addr (loopback only). keys is asked
// for the current keys at each request; report gets each request.
func ListenEndpoint(addr string, keys func() EndpointKeys, report func(Received)) (*Endpoint, error) {
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
		rec.Check = EndpointCheck{Verdicts: []Verdict{{"body", Fail, "the body could not be read: " + err.Error()}}}
	case len(body) > wire.MaxBody:
		rec.Check = EndpointCheck{Verdicts: []Verdict{{"body", Fail, "the body is larger than 1 MiB; Space's payloads are a few kilobytes, so it was not checked"}}}
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

// SignWithSigningKey computes the headers an application expects from
// Space's signing-key method, for people testing their own endpoint.
func SignWithSigningKey(key Secret, body []byte, at time.Time) (http.Header, error) {
	if key == "" {
		return nil, errors.New("the signing key is empty")
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write([]byte(ts + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Space-Timestamp", ts)
	h.Set("X-Space-Signature", hex.EncodeToString(mac.Sum(nil)))
	return h, nil
}

// FetchSpacePublicKeys gets the keys Space signs endpoint requests with: an
// application token from the client credentials flow, then the
// application's public-keys call, whose answer is the key set as a string.
func FetchSpacePublicKeys(ctx context.Context, env Env, serviceURL, clientID string, secret Secret) (*jose.JSONWebKeySet, []Step, error) {
	prov, err := Space(serviceURL)
	if err != nil {
		return nil, nil, err
	}
	m, _ := New(Start(ClientCredentials, Params{Provider: prov, ClientID: clientID, Scope: "**"}), Credentials{ClientSecret: secret})
	step, err := m.Next(ctx, env, Input{})
	steps := []Step{step}
	if err != nil {
		return nil, steps, fmt.Errorf("getting an application token: %w", err)
	}
	resp, err := CallAPI(ctx, env, prov, m.State().Token.AccessToken, APIRequest{Method: http.MethodGet, Path: "/applications/me/public-keys"})
	keyStep := Step{Name: "public_keys", Caption: "Fetch Space's public keys for this application", At: env.now(), Exchanges: []wire.Exchange{resp.Exchange}}
	steps = append(steps, keyStep)
	if err != nil {
		return nil, steps, err
	}
	if resp.Status != http.StatusOK {
		if resp.Error != nil {
			return nil, steps, resp.Error
		}
		return nil, steps, fmt.Errorf("the public-keys call answered HTTP %d", resp.Status)
	}
	set, err := jwtcheck.ParseJWKS([]byte(resp.Body))
	if err != nil {
		return nil, steps, err
	}
	steps[1].OK = true
	steps[1].WhatHappened = fmt.Sprintf("With the application's own token, authplay asked Space for the keys it signs requests with; %d key(s) came back, as a JSON string holding a key set.", len(set.Keys))
	return set, steps, nil
}
