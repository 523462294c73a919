package lab

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// reply is how a server answered a step's request.
type reply struct {
	accepted, refused bool
	status            int
	code              string // the OAuth error code, when there is one
	header            http.Header
	problem           string // why there was no answer at all
}

// replyOf reads a step's last exchange: a status of 400 and up, or an
// OAuth error, is a refusal; success is acceptance; no answer is neither.
func replyOf(step flows.Step, err error) reply {
	var last *wire.Exchange
	if n := len(step.Exchanges); n > 0 {
		last = &step.Exchanges[n-1]
	}
	rp := reply{}
	if last != nil && last.Response != nil {
		rp.status, rp.header = last.Response.Status, headerOf(last.Response)
	}
	var oe *flows.OAuthError
	switch {
	case err == nil:
		rp.accepted = true
	case errors.As(err, &oe):
		rp.refused, rp.code = true, oe.Code
	case rp.status >= 400:
		rp.refused = true
	default:
		rp.problem = err.Error()
	}
	return rp
}

// String is the answer as a verdict line quotes it: "HTTP 400 invalid_grant".
func (rp reply) String() string {
	var parts []string
	if rp.status != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(rp.status))
	}
	if rp.code != "" {
		parts = append(parts, rp.code)
	}
	if len(parts) == 0 {
		return "no answer"
	}
	return strings.Join(parts, " ")
}

// trade sends the code-for-tokens request of m, changed by edit, as the
// step the experiment is about.
func (r *run) trade(m flows.Machine, caption string, edit func(*flows.Request)) reply {
	req, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok {
		return reply{problem: fmt.Sprintf("no token request could be built (%v)", err)}
	}
	edit(&req)
	step, err := m.Next(r.ctx, r.env, flows.Input{Request: &req})
	step.Caption = caption
	r.add(step)
	return replyOf(step, err)
}

// introspect asks whether m's access token is active. ok is false when
// the server has no introspection endpoint or gave no readable answer.
func (r *run) introspect(m flows.Machine, caption string) (active, ok bool) {
	if !m.State().Can(flows.ActionIntrospect) {
		return false, false
	}
	step, err := m.Next(r.ctx, r.env, flows.Input{Action: flows.ActionIntrospect})
	step.Caption = caption
	r.add(step)
	n := len(step.Exchanges)
	if err != nil || n == 0 || step.Exchanges[n-1].Response == nil {
		return false, false
	}
	var body struct {
		Active *bool `json:"active"`
	}
	if json.Unmarshal([]byte(step.Exchanges[n-1].Response.Body), &body) != nil || body.Active == nil {
		return false, false
	}
	return *body.Active, true
}

// callAPI calls the provider's test API with m's access token and returns
// the status (0 when no call could be made) and any WWW-Authenticate.
func (r *run) callAPI(m flows.Machine, caption string) (status int, challenge string) {
	if !m.State().Can(flows.ActionCallAPI) {
		return 0, ""
	}
	step, _ := m.Next(r.ctx, r.env, flows.Input{Action: flows.ActionCallAPI})
	step.Caption = caption
	r.add(step)
	n := len(step.Exchanges)
	if n == 0 || step.Exchanges[n-1].Response == nil {
		return 0, ""
	}
	resp := step.Exchanges[n-1].Response
	return resp.Status, headerOf(resp).Get("WWW-Authenticate")
}

// stillWorks says whether m's access token still works, and how authplay
// knows: introspection when the server offers it, else an API call that
// answers 2xx or 401.
func (r *run) stillWorks(m flows.Machine) (works bool, how string) {
	if active, ok := r.introspect(m, "Ask whether the first tokens still work (introspection)"); ok {
		return active, map[bool]string{true: "introspection says active", false: "introspection says inactive"}[active]
	}
	switch status, _ := r.callAPI(m, "Try the first access token on the API"); {
	case status >= 200 && status < 300:
		return true, "the API answers HTTP " + strconv.Itoa(status)
	case status == http.StatusUnauthorized:
		return false, "the API answers HTTP 401"
	}
	return false, ""
}

// answer is how a server took an authorization request authplay sent
// itself, without a browser and without following the answer.
type answer int

const (
	unanswered    answer = iota // no HTTP answer at all
	errorPage                   // 4xx or 5xx, no redirect: refused
	errorRedirect               // a redirect carrying error= to an address other than the one tried: refused
	errorToTried                // a redirect carrying error= to the very address tried
	codeToTried                 // a redirect carrying code= to the address tried: accepted
	signInPage                  // a page, or a redirect onwards (to sign-in): the request was taken
)

func (a answer) refused() bool { return a == errorPage || a == errorRedirect }

// ask sends an authorization request as a browser's first visit and
// classifies the answer; tried is the redirect URI the request names.
// The step it records masks any code in the answer's Location.
func (r *run) ask(caption, authURL, tried string) (answer, string) {
	step := flows.Step{Name: "authorization_request", Caption: caption, At: r.env.Time()}
	defer func() { r.add(step) }()
	c, err := wire.Trusting(r.env.HTTP, r.t.Params.Provider.CAFile)
	if err != nil {
		step.WhatHappened = err.Error()
		return unanswered, err.Error()
	}
	_, rec := wire.Record(c, r.env.Strict)
	ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		step.WhatHappened = err.Error()
		return unanswered, err.Error()
	}
	req.Header.Set("Accept", "text/html")
	resp, err := rec.RoundTrip(req) // one request: where the server points is read, not visited
	step.Exchanges = rec.Exchanges()
	for i := range step.Exchanges {
		if m := step.Exchanges[i].Response; m != nil && len(m.Header["Location"]) > 0 {
			m.Header["Location"] = []string{redacted(m.Header["Location"][0])}
		}
	}
	if err != nil {
		step.WhatHappened = "The request got no answer: " + err.Error()
		return unanswered, "no answer: " + err.Error()
	}
	resp.Body.Close()
	a, how := classify(resp.StatusCode, resp.Header.Get("Location"), tried)
	step.OK = true
	step.WhatHappened = "authplay sent the authorization request itself, as a browser's first visit, and did not follow the answer. The server answered with " + how + "."
	return a, how
}

// classify reads an authorization endpoint's answer to a request for
// the redirect URI tried. The words quote the server, made safe to show.
func classify(status int, location, tried string) (answer, string) {
	a, how := classifyRaw(status, location, tried)
	return a, termsafe.Line(how)
}

func classifyRaw(status int, location, tried string) (answer, string) {
	if status >= 300 && status < 400 && location != "" {
		loc, err := url.Parse(location)
		if err != nil {
			return signInPage, fmt.Sprintf("a redirect (HTTP %d) to an address that does not parse", status)
		}
		q := loc.Query()
		switch {
		case sameAddress(loc, tried) && q.Has("code"):
			return codeToTried, fmt.Sprintf("a redirect carrying a code to %s", redacted(location))
		case sameAddress(loc, tried) && q.Has("error"):
			return errorToTried, fmt.Sprintf("a redirect carrying error=%s to %s://%s%s", q.Get("error"), loc.Scheme, loc.Host, loc.Path)
		case q.Has("error"):
			return errorRedirect, fmt.Sprintf("a redirect carrying error=%s", q.Get("error"))
		}
		return signInPage, fmt.Sprintf("a redirect (HTTP %d) onwards to %s://%s%s (to a sign-in, not an error)", status, loc.Scheme, loc.Host, loc.Path)
	}
	switch {
	case status >= 400:
		return errorPage, fmt.Sprintf("an error page (HTTP %d) and no redirect", status)
	case status >= 200 && status < 300:
		return signInPage, fmt.Sprintf("a page (HTTP %d: a sign-in page, not an error)", status)
	}
	return signInPage, fmt.Sprintf("HTTP %d", status)
}

// sameAddress says whether loc is the redirect URI tried: the same scheme,
// host, port and path, with every query parameter of tried kept.
func sameAddress(loc *url.URL, tried string) bool {
	t, err := url.Parse(tried)
	if err != nil || !strings.EqualFold(loc.Scheme, t.Scheme) || !strings.EqualFold(loc.Host, t.Host) || loc.EscapedPath() != t.EscapedPath() {
		return false
	}
	lq := loc.Query()
	for k, vs := range t.Query() {
		for _, v := range vs {
			if !slices.Contains(lq[k], v) {
				return false
			}
		}
	}
	return true
}

// authURL is the authorization URL the code flow would send for p, built
// by the flows machine itself so it is the request a normal run sends.
func authURL(p flows.Params, creds flows.Credentials) (string, error) {
	m, err := flows.New(flows.Start(flows.AuthorizationCode, p), creds)
	if err != nil {
		return "", err
	}
	req, ok, err := m.Pending(flows.Input{})
	if err != nil || !ok {
		return "", fmt.Errorf("no authorization request could be built: %v", err)
	}
	return req.URL, nil
}

// concrete gives a loopback redirect URI with port 0 ("any free port") a
// real port, as the listener would, for a request nobody will follow.
func concrete(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Port() != "0" {
		return uri
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(16000))
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(49152+int(n.Int64())))
	return u.String()
}

// randomText is a value nobody can guess, for a wrong secret or verifier.
func randomText() string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
