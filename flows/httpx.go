package flows

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
)

// Version is reported in the User-Agent; main sets it at build time.
var Version = "dev"

// MaxBody is the most authplay reads of any response: a token response is a
// few kilobytes, so anything near this is a misconfigured endpoint.
const MaxBody = 1 << 20

// ErrBodyTooLarge is returned when a response exceeds MaxBody.
var ErrBodyTooLarge = errors.New("the response is larger than 1 MiB, far more than any OAuth response; is this the right endpoint?")

// NewHTTPClient returns a client with the timeouts a person at a terminal
// expects: a server that does not answer fails within the overall timeout.
func NewHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       60 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: limitRedirects}
}

func limitRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("stopped after %d redirects (last to %s): the endpoint redirects in a loop", len(via), req.URL.Redacted())
	}
	return nil
}

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

// recorder wraps a client's transport and keeps every exchange, so a step can
// show exactly what went over the wire, including what x/oauth2 sent for us.
type recorder struct {
	base   http.RoundTripper
	strict bool // refuse credentials over plain http to another machine
	mu     sync.Mutex
	list   []Exchange
	raw    [][]byte // unredacted response bodies, for parsing token responses
}

func record(c *http.Client) (*http.Client, *recorder) {
	return recordStrict(c, false)
}

// recordStrict is record with --strict's refusal of credentials over plain
// http to another machine.
func recordStrict(c *http.Client, strict bool) (*http.Client, *recorder) {
	if c == nil {
		c = NewHTTPClient(0)
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	r := &recorder{base: base, strict: strict}
	cc := *c
	cc.Transport = r
	cc.CheckRedirect = sameOriginRedirects(c.CheckRedirect)
	return &cc, r
}

// RedirectRefusedError is a redirect authplay would not follow: the request
// carried credentials, and the redirect pointed to another origin, where a
// client secret, a password or a token must never go.
type RedirectRefusedError struct {
	From, To string
	Status   int
}

func (e *RedirectRefusedError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d, redirecting to %s, another origin; authplay did not follow it, because the request carries credentials (client secret, password, code or token) meant for %s only",
		e.From, e.Status, e.To, originOf(e.From))
}

type followKey struct{}

// mayFollow marks a request that carries no credential (a discovery
// document, a key set), whose redirects may lead to another origin.
func mayFollow(ctx context.Context) context.Context { return context.WithValue(ctx, followKey{}, true) }

// sameOriginRedirects wraps a client's redirect policy: every request is
// taken to carry credentials unless marked with mayFollow, and such a
// request follows a redirect only within its own origin (scheme, host and
// port), as RFC 9700 §4.11 advises against open redirects.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	if next == nil {
		next = limitRedirects
	}
	return func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if follow, _ := first.Context().Value(followKey{}).(bool); !follow && originOf(req.URL.String()) != originOf(first.URL.String()) {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return &RedirectRefusedError{From: redactURL(via[len(via)-1].URL), To: redactURL(req.URL), Status: status}
		}
		return next(req, via)
	}
}

// originOf is scheme://host:port, with the default port made explicit.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// credentialFields are form and query fields that carry a secret: sending
// one over plain http to another machine deserves a warning.
var credentialFields = []string{"client_secret", "password", "client_assertion", "code", "code_verifier", "refresh_token", "device_code", "token", "assertion", "subject_token", "actor_token"}

func carriesCredential(req *http.Request, body []byte) bool {
	if req.Header.Get("Authorization") != "" || req.Header.Get("DPoP") != "" {
		return true
	}
	if strings.Contains(strings.ToLower(req.Header.Get("Content-Type")), "x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(body)); err == nil {
			for _, k := range credentialFields {
				if q.Get(k) != "" {
					return true
				}
			}
		}
	}
	return false
}

// IsLoopback reports whether host (a name or an address, without a port)
// is this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrPlainHTTP refuses, under --strict, to send credentials over plain http
// to another machine.
var ErrPlainHTTP = errors.New("refused to send credentials over plain http to another machine (--strict); use the server's https address")

func plainHTTPWarning(u *url.URL) string {
	return "This request carried a credential over plain http to " + u.Host + ": anyone on the network between here and there can read it and use it. Use https for any server that is not on this machine."
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
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

func (r *recorder) add(ex Exchange, raw []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, ex)
	r.raw = append(r.raw, raw)
}

func (r *recorder) exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.list...)
}

// outcome reads the last recorded answer: its content type and raw body, or
// the error it stands for (the transport's, or an RFC 6749 §5.2 error for a
// status of 300 and up).
func (r *recorder) outcome(callErr error) (contentType string, body []byte, err error) {
	// A *url.Error is the HTTP client's own failure (transport, timeout,
	// redirect policy, the size cap): it outranks whatever was recorded
	// before it, such as the 307 of a redirect loop.
	var clientErr *url.Error
	if errors.As(callErr, &clientErr) {
		return "", nil, callErr
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
		return "", nil, callErr
	}
	if v := resp.Header["Content-Type"]; len(v) > 0 {
		contentType = v[0]
	}
	if resp.Status >= 300 {
		return contentType, body, errorFromResponse(resp.Status, contentType, body)
	}
	return contentType, body, nil
}

// Fields whose values are secrets: fully masked, or peeked when telling
// tokens apart helps the learner.
var (
	hiddenFields = map[string]bool{"client_secret": true, "password": true, "client_assertion": true}
	peekedFields = map[string]bool{
		"access_token": true, "refresh_token": true, "id_token": true, "code": true, "code_verifier": true,
		"device_code": true, "token": true, "assertion": true, "subject_token": true,
	}
)

func redactValue(k, v string) string {
	switch {
	case hiddenFields[k]:
		return mask
	case peekedFields[k]:
		return Peek(v)
	}
	return v
}

func redactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	q := c.Query()
	for k, vs := range q {
		for i := range vs {
			vs[i] = redactValue(k, vs[i])
		}
	}
	c.RawQuery = encodeSorted(q)
	if c.Fragment != "" {
		if fq, err := url.ParseQuery(c.Fragment); err == nil {
			for k, vs := range fq {
				for i := range vs {
					vs[i] = redactValue(k, vs[i])
				}
			}
			c.Fragment = encodeSorted(fq)
		}
	}
	return c.String()
}

// encodeSorted is url.Values.Encode but keeps the masks readable.
func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(url.QueryEscape(k) + "=" + strings.NewReplacer("%E2%80%A2", "•", "%E2%80%A6", "…").Replace(url.QueryEscape(v)))
		}
	}
	return sb.String()
}

func redactHeader(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		for _, v := range vs {
			out[termsafe.Line(k)] = append(out[termsafe.Line(k)], termsafe.Line(redactHeaderValue(k, v)))
		}
	}
	return out
}

func redactHeaderValue(k, v string) string {
	switch strings.ToLower(k) {
	case "authorization", "proxy-authorization":
		scheme, cred, _ := strings.Cut(v, " ")
		if strings.EqualFold(scheme, "basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				id, _, _ := strings.Cut(string(dec), ":")
				return "Basic " + strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(id+":")), "=") + mask + "  (" + id + ":" + mask + ")"
			}
			return "Basic " + mask
		}
		return scheme + " " + Peek(cred)
	case "cookie", "set-cookie", "x-space-signature", "x-space-public-key-signature":
		return Peek(v)
	}
	return v
}

func redactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return "(form body that does not parse; not shown)"
		}
		for k, vs := range q {
			for i := range vs {
				vs[i] = redactValue(k, vs[i])
			}
		}
		return encodeSorted(q)
	case strings.Contains(ct, "json") || json.Valid(body):
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return clip(string(body))
		}
		out, _ := json.MarshalIndent(redactJSON(v), "", "  ")
		return string(out)
	}
	return clip(string(body))
}

func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok {
				t[k] = redactValue(k, s)
			} else {
				t[k] = redactJSON(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactJSON(t[i])
		}
	}
	return v
}

// clip keeps a body readable on screen: HTML error pages can be huge.
func clip(s string) string {
	const limit = 4000
	if len(s) <= limit {
		return s
	}
	return s[:limit] + fmt.Sprintf("\n… (%d more bytes not shown)", len(s)-limit)
}
