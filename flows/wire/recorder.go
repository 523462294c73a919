package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
)

// Exchange is one HTTP request and its response, with secrets redacted, for
// the learner to read.
type Exchange struct {
	Request  Message  `json:"request"`
	Response *Message `json:"response,omitempty"`
	Duration Duration `json:"duration"`
	Error    string   `json:"error,omitempty"`
	// Warnings are what a person must know about how it was sent (a
	// secret over plain http).
	Warnings []string `json:"warnings,omitempty"`
	// Proxy is the proxy the request went through (HTTPS_PROXY and
	// friends; never for loopback), if any.
	Proxy string `json:"proxy,omitempty"`
}

// Message is a redacted HTTP request or response.
type Message struct {
	Method string              `json:"method,omitempty"`
	URL    string              `json:"url,omitempty"`
	Status int                 `json:"status,omitempty"`
	Header map[string][]string `json:"header,omitempty"`
	Body   string              `json:"body,omitempty"`
}

// Duration marshals as a Go duration string, for readable session files.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Recorder wraps a client's transport and keeps every exchange, so a step can
// show exactly what went over the wire, including what x/oauth2 sent for us.
type Recorder struct {
	base   http.RoundTripper
	strict bool // refuse credentials over plain http to another machine
	mu     sync.Mutex
	list   []Exchange
	raw    [][]byte // unredacted response bodies, for parsing token responses
}

// Record returns a copy of c (NewClient(0) when nil) that records every
// exchange, and the Recorder that holds them. Its redirect policy never
// takes a credential to another origin; strict (--strict) also refuses to
// send credentials over plain http to another machine.
func Record(c *http.Client, strict bool) (*http.Client, *Recorder) {
	if c == nil {
		c = NewClient(0)
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	r := &Recorder{base: base, strict: strict}
	cc := *c
	cc.Transport = r
	cc.CheckRedirect = sameOriginRedirects(c.CheckRedirect)
	return &cc, r
}

func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", "authplay/"+Version+" (+OAuth 2.0 playground)")
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	ex := Exchange{Request: Message{
		Method: req.Method, URL: redactURL(req.URL), Header: redactHeader(req.Header), Body: redactBody(req.Header.Get("Content-Type"), reqBody),
	}}
	if strings.EqualFold(req.URL.Scheme, "http") && !IsLoopback(req.URL.Hostname()) && carriesCredential(req, reqBody) {
		if r.strict {
			ex.Error = ErrPlainHTTP.Error()
			r.add(ex, nil)
			return nil, ErrPlainHTTP
		}
		ex.Warnings = append(ex.Warnings, plainHTTPWarning(req.URL))
	}
	if t, ok := r.base.(*http.Transport); ok && t.Proxy != nil {
		if via, err := t.Proxy(req); err == nil && via != nil {
			ex.Proxy = via.Redacted() // a learner (and a bug report) should know a proxy was in between
		}
	}
	start := time.Now()
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		ex.Duration = Duration(time.Since(start))
		ex.Error = err.Error()
		r.add(ex, nil)
		return nil, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	resp.Body.Close()
	ex.Duration = Duration(time.Since(start))
	ex.Response = &Message{Status: resp.StatusCode, Header: redactHeader(resp.Header), Body: termsafe.Block(redactBody(resp.Header.Get("Content-Type"), body))}
	if rerr == nil && len(body) > MaxBody {
		rerr = ErrBodyTooLarge
		ex.Response.Body = "(not shown: the body is larger than 1 MiB)"
	}
	if rerr != nil {
		ex.Error = rerr.Error()
		r.add(ex, nil)
		return nil, rerr
	}
	r.add(ex, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (r *Recorder) add(ex Exchange, raw []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, ex)
	r.raw = append(r.raw, raw)
}

// Exchanges returns a copy of what was recorded so far, in order.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.list...)
}

// Outcome reads the last recorded answer: its status, content type and raw
// body, or the error that stands for it (the transport's, or callErr when
// nothing was recorded). What a status of 300 and up means is the caller's
// to judge: it depends on the protocol.
func (r *Recorder) Outcome(callErr error) (status int, contentType string, body []byte, err error) {
	// A *url.Error is the HTTP client's own failure (transport, timeout,
	// redirect policy, the size cap): it outranks whatever was recorded
	// before it, such as the 307 of a redirect loop.
	var clientErr *url.Error
	if errors.As(callErr, &clientErr) {
		return 0, "", nil, callErr
	}
	r.mu.Lock()
	var resp *Message
	if n := len(r.list); n > 0 {
		resp, body = r.list[n-1].Response, r.raw[n-1]
	}
	r.mu.Unlock()
	if resp == nil {
		if callErr == nil {
			callErr = errors.New("no response was recorded")
		}
		return 0, "", nil, callErr
	}
	if v := resp.Header["Content-Type"]; len(v) > 0 {
		contentType = v[0]
	}
	return resp.Status, contentType, body, nil
}
