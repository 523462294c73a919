package lab

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// Verdict is how an experiment ended.
type Verdict string

const (
	Defended   Verdict = "DEFENDED"   // the attempt was refused
	Vulnerable Verdict = "VULNERABLE" // what should have been refused was accepted
	Skipped    Verdict = "SKIPPED"    // no verdict; the explanation says why
)

// Experiment is one attempt to get past a defence.
type Experiment struct {
	ID    string // fixed: scripts select experiments by it
	Title string
	// Tries says what authplay does; Defence what a defended party does.
	Tries, Defence string
	// RFC names the sections the defence comes from.
	RFC string
	// ClientSide marks an experiment that shows authplay's own defence
	// rather than the server's.
	ClientSide bool
	// SignIn says the experiment needs someone to sign in: the built-in
	// server's headless approval, or a person.
	SignIn bool
	run    func(*run) Result
}

// Target is what the experiments run against: the profile's server and
// client, and who signs in when a step needs it.
type Target struct {
	Params flows.Params
	Creds  flows.Credentials
	// PublicClientID names a second, public client (no secret) registered
	// at the same server, for the experiments that need one: a refresh
	// token that rotates (servers rotate public clients' tokens) and an
	// ID token minted for another client. Empty: the profile's client
	// serves, and those experiments say what they could not show.
	PublicClientID string
	// Approve signs in and consents without a person, returning where the
	// server sends the browser next (HeadlessApproval, for the built-in
	// server). It is used before SignIn when set.
	Approve func(ctx context.Context, authURL string) (redirect string, err error)
	// SignIn hands an authorization URL to a person (a browser, or a line
	// on a terminal); authplay then waits SignInWait (20 s when zero) for
	// the redirect. Nil, like a person who never comes: those steps skip.
	SignIn     func(ctx context.Context, authURL string) error
	SignInWait time.Duration
	// Progress, when set, sees each step as soon as it is taken.
	Progress func(flows.Step)
}

// DefaultSignInWait is how long an experiment waits for a person.
const DefaultSignInWait = 20 * time.Second

func (t Target) wait() time.Duration {
	if t.SignInWait > 0 {
		return t.SignInWait
	}
	return DefaultSignInWait
}

// Result is how one run of an experiment ended.
type Result struct {
	ID      string  `json:"id"`
	Verdict Verdict `json:"verdict"`
	// Explanation is one line: what the server (or authplay) did.
	Explanation string       `json:"explanation"`
	RFC         string       `json:"rfc"`
	Steps       []flows.Step `json:"steps,omitempty"`
}

// Line is the result as `authplay probe` prints it: the verdict, the id,
// the explanation and the RFC, on one line safe for a terminal.
func (r Result) Line() string {
	return fmt.Sprintf("%s %s: %s [%s]", r.Verdict, r.ID, r.Explanation, r.RFC)
}

// Experiments lists every experiment in a fixed order.
func Experiments() []Experiment { return append([]Experiment(nil), catalog...) }

// IDs lists the experiments' ids in the same order.
func IDs() []string {
	out := make([]string, len(catalog))
	for i, e := range catalog {
		out[i] = e.ID
	}
	return out
}

// Find returns the experiment with the id.
func Find(id string) (Experiment, bool) {
	for _, e := range catalog {
		if e.ID == id {
			return e, true
		}
	}
	return Experiment{}, false
}

// Run runs the experiment once. It never fails: whatever goes wrong ends
// as SKIPPED with the reason. Tokens it obtained are revoked before it
// returns, and every listener it opened is closed.
func (e Experiment) Run(ctx context.Context, env flows.Env, t Target) Result {
	env.OpenBrowser = nil // the experiment decides who signs in, and when
	if env.HTTP == nil {
		env.HTTP = wire.NewClient(0)
	}
	if env.Loopback == nil {
		env.Loopback = loopback.New()
		defer env.Loopback.CloseAll()
	}
	r := &run{ctx: ctx, env: env, t: t}
	res := e.run(r)
	r.cleanUp()
	if ctx.Err() != nil && res.Verdict != Vulnerable {
		res = Result{Verdict: Skipped, Explanation: "interrupted before it could finish"}
	}
	res.ID, res.RFC, res.Steps = e.ID, e.RFC, r.steps
	res.Explanation = oneLine(res.Explanation)
	return res
}

// oneLine keeps an explanation to one line a terminal shows as text: it
// quotes what servers said.
func oneLine(s string) string {
	return termsafe.Line(strings.Join(strings.Fields(s), " "))
}

// headerOf is a recorded message's header, for lookups by any spelling.
func headerOf(m *wire.Message) http.Header {
	if m == nil {
		return nil
	}
	return http.Header(m.Header)
}

// RemoteHosts are the hosts, not on this machine, the experiments would
// send requests to: a front door asks before it runs them there, since
// they obtain tokens and revoke them.
func RemoteHosts(p flows.Provider) []string {
	var hosts []string
	for _, raw := range []string{p.AuthURL, p.TokenURL, p.RevokeURL, p.IntrospectURL, p.APIBase, p.UserinfoURL} {
		u, err := url.Parse(raw)
		if raw == "" || err != nil || u.Hostname() == "" || wire.IsLoopback(u.Hostname()) || slices.Contains(hosts, u.Hostname()) {
			continue
		}
		hosts = append(hosts, u.Hostname())
	}
	return hosts
}
