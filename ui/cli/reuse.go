package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// A script's run of `authplay token`: its session in the store (one
// commit a step; the profile's scripted sessions bounded by
// --keep-sessions), and --reuse, which answers from a session an earlier
// run of the same request left, like `gh auth token`.

// reuseMinLeft is how long a reused token must still live: a script that
// gets it has time to use it.
const reuseMinLeft = 60 * time.Second

// notInRecipe are the flags that change how a run reports, not what it
// asks the server for.
var notInRecipe = []string{"reuse", "keep-sessions", "output", "timeout", "verbose", "no-browser", "strict", "client-secret"}

type scriptRun struct {
	f       *tokenFlags
	method  flows.Method
	stdio   IO
	profile string // the sessions' profile: --profile's name, else "headless"

	opened  bool
	opening chan struct{} // closed when a background open (openSoon) is done
	st      *store.Store
	err     error
}

func newScriptRun(f *tokenFlags, m flows.Method, stdio IO) *scriptRun {
	r := &scriptRun{f: f, method: m, stdio: stdio, profile: "headless"}
	if f.profile != "" {
		r.profile = f.profile
	}
	return r
}

// openSoon starts opening the session store, and building the encoders
// its commit uses, beside the work before the first request and the wait
// for its answer: opening reads the database (and makes it on a first
// run), work that need not wait for that.
func (r *scriptRun) openSoon() {
	if r.opened || r.opening != nil {
		return
	}
	r.opening = make(chan struct{})
	go store.PrepareEncoding() // the commit after the request needs them
	go func() {
		defer close(r.opening)
		r.st, r.err = openDefaultStore()
	}()
}

// settle waits for openSoon's opening, so that no file is being made
// after the command has returned (a usage error found after openSoon).
func (r *scriptRun) settle() {
	if r.opening != nil {
		<-r.opening
	}
}

// store opens the session store once, or waits for openSoon's opening.
func (r *scriptRun) store() (*store.Store, error) {
	if r.opening != nil {
		<-r.opening
		r.opened = true
	}
	if !r.opened {
		r.opened = true
		r.st, r.err = openDefaultStore()
	}
	return r.st, r.err
}

func openDefaultStore() (*store.Store, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return nil, err
	}
	return store.Open(dir)
}

// recipe is what this run asks the server for, hashed: the method, the
// saved profile as it now is, and every flag that shapes the request (a
// secret's variable or file by name, never a secret). A token is reused
// only by a run with the same recipe: another scope, client or server
// gets its own.
func (r *scriptRun) recipe() string {
	h := sha256.New()
	fmt.Fprintf(h, "method %s\n", r.method)
	if r.f.profile != "" {
		prof, err := loadProfile(r.f.profile)
		b, _ := json.Marshal(prof)
		fmt.Fprintf(h, "profile %s %v\n", b, err)
	}
	var names []string
	for name := range r.f.given {
		if !slices.Contains(notInRecipe, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(h, "flag %s=%q\n", name, r.f.given[name])
	}
	for _, id := range slices.Sorted(maps.Keys(r.f.lists)) {
		fmt.Fprintf(h, "list %s=%q\n", id, r.f.lists[id].String())
	}
	if r.f.set["client-secret"] {
		fmt.Fprintln(h, "client-secret given")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// reuse prints the token of the newest session of this recipe when it has
// reuseMinLeft to live (no request at all), else refreshes it when it
// can; done is false when the flow must run.
func (r *scriptRun) reuse(ctx context.Context, env flows.Env) (code int, done bool) {
	st, err := r.store()
	if err != nil {
		return 0, false // the run that follows says why the store cannot be used
	}
	sess, ok, err := st.NewestScripted(r.profile, r.recipe())
	if err != nil || !ok {
		return 0, false
	}
	if lives(sess.State.Token) {
		return finish(ctx, r.f, sess.State, env, r.stdio), true
	}
	if !sess.State.Can(flows.ActionRefresh) {
		return 0, false
	}
	d, code := r.f.draft(ctx, r.method, env, r.stdio) // the client's secret, to refresh with
	if code >= 0 {
		return code, true
	}
	if _, err := st.Step(ctx, &sess, d.Creds, env, flows.Input{Action: flows.ActionRefresh}); err != nil || !lives(sess.State.Token) {
		return 0, false // silently: the flow runs instead
	}
	return finish(ctx, r.f, sess.State, env, r.stdio), true
}

// lives says a token has reuseMinLeft left; one whose life is unknown is
// not reused.
func lives(t *flows.Token) bool {
	return t != nil && t.AccessToken != "" && !t.Expiry.IsZero() && time.Until(t.Expiry) >= reuseMinLeft
}

// advancer runs the flow through the store: the session is stored at its
// first step's commit, as one of the profile's scripted sessions.
func (r *scriptRun) advancer(st0 flows.State, creds flows.Credentials, env flows.Env) (advancer, error) {
	st, err := r.store()
	printNoticesOf(r.stdio, st)
	if err != nil {
		return nil, err
	}
	sess := st.Begin(r.profile, st0, &store.Scripted{Recipe: r.recipe(), Keep: r.f.keep})
	warned := false
	return func(ctx context.Context, in flows.Input) (flows.State, flows.Step, error) {
		step, err := st.Step(ctx, &sess, creds, env, in)
		printNoticesOf(r.stdio, st)
		if errors.Is(err, store.ErrNotSaved) {
			if !warned {
				fmt.Fprintln(r.stdio.Err, "authplay: this run is not saved to the session history:", err)
				warned = true
			}
			err = nil // the step itself went well
		}
		return sess.State, step, err
	}, nil
}

func printNoticesOf(stdio IO, st *store.Store) {
	if st != nil {
		printNotices(stdio.Err, st)
	}
}
