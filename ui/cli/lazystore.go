package cli

import (
	"context"
	"fmt"
	"sync"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/ui"
)

// lazySessions is the TUI's session store, opened on its first use rather
// than before the first frame: opening creates (or migrates) the database
// and syncs it to disk, which on a first run or a busy disk costs more than
// drawing the screen, and the first frame shows no session. The TUI only
// calls it from its commands, so the opening happens there too.
type lazySessions struct {
	dir string

	mu sync.Mutex
	st *store.Store // nil until an open succeeds
}

var _ ui.Sessions = (*lazySessions)(nil)

func newLazySessions(dir string) *lazySessions { return &lazySessions{dir: dir} }

// open returns the store, opening it if no call has yet. A failed open is
// not remembered: the next call tries again, so a state directory fixed
// while the program runs is picked up.
func (l *lazySessions) open() (*store.Store, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.st != nil {
		return l.st, nil
	}
	st, err := store.Open(l.dir)
	if err != nil {
		return nil, fmt.Errorf("the session store could not be opened: %w", err)
	}
	l.st = st
	return st, nil
}

func (l *lazySessions) Create(profile string, state flows.State) (store.Session, error) {
	st, err := l.open()
	if err != nil {
		return store.Session{}, err
	}
	return st.Create(profile, state)
}

func (l *lazySessions) Advance(ctx context.Context, id string, creds flows.Credentials, env flows.Env, in flows.Input) (store.Session, flows.Step, error) {
	st, err := l.open()
	if err != nil {
		return store.Session{}, flows.Step{}, err
	}
	return st.Advance(ctx, id, creds, env, in)
}

func (l *lazySessions) Get(id string) (store.Session, error) {
	st, err := l.open()
	if err != nil {
		return store.Session{}, err
	}
	return st.Get(id)
}

func (l *lazySessions) List(profile, search string) ([]store.Summary, error) {
	st, err := l.open()
	if err != nil {
		return nil, err
	}
	return st.List(profile, search)
}

func (l *lazySessions) Page(n int, after store.Summary, keep func(store.Summary) bool) ([]store.Summary, error) {
	st, err := l.open()
	if err != nil {
		return nil, err
	}
	return st.Page(n, after, keep)
}

func (l *lazySessions) Delete(id string) error {
	st, err := l.open()
	if err != nil {
		return err
	}
	return st.Delete(id)
}

func (l *lazySessions) WriteReport(id string) (string, error) {
	st, err := l.open()
	if err != nil {
		return "", err
	}
	return st.WriteReport(id)
}

// Notices is what the store had to do (a damaged database moved aside);
// a store that could not open has none: the call that opened it reported
// why.
func (l *lazySessions) Notices() []string {
	st, err := l.open()
	if err != nil {
		return nil
	}
	return st.Notices()
}

func (l *lazySessions) RecentCalls(profile string) ([]flows.APIRequest, error) {
	st, err := l.open()
	if err != nil {
		return nil, err
	}
	return st.RecentCalls(profile)
}

func (l *lazySessions) RememberCall(profile string, call flows.APIRequest) error {
	st, err := l.open()
	if err != nil {
		return err
	}
	return st.RememberCall(profile, call)
}
