package ui

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// Deps is what the program is given: every door to the outside world, and
// where it starts. Nothing here changes while the program runs; what does
// (the profile in use, the list of profiles) is the root's state.
//
// Every field that touches the outside is called only from a tea.Cmd,
// never from Update or View, so a slow disk or a held lock never freezes
// the screen. The Update tests prove it with Deps that fail when called.
type Deps struct {
	// Sessions is the session store.
	Sessions Sessions
	// Env is the flows' side effects: HTTP, the loopback listener, sleep.
	Env flows.Env
	// Clipboard writes the system clipboard; nil means OSC 52 only.
	Clipboard func(string) error
	// OpenBrowser opens a URL in the person's browser; nil when there is none.
	OpenBrowser func(string) error
	// CreateFile writes a new private file: 0600, in a 0700 directory made
	// if missing. It never replaces a file: one already there is an error
	// matching fs.ErrExist (the guide's SSH key, maybe registered already).
	CreateFile func(path string, data []byte) error
	// ReadFile reads a file (an SSH key made before); nil means os.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// SaveProfile appends a profile to the profiles file.
	SaveProfile func(store.Profile) error
	// SaveSettings remembers the theme and step mode for next time.
	SaveSettings func(store.Settings) error
	// GenerateKey makes an ed25519 key pair (the registration guide's SSH
	// key); nil means crypto/rand's.
	GenerateKey func() (ed25519.PublicKey, ed25519.PrivateKey, error)
	// Demo is the built-in server's demo shortcut; nil when there is none.
	Demo DemoApprover
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Where the program starts.

	// Theme is the colour theme's name.
	Theme string
	// Profile is the profile in use at first; Profiles are offered on the
	// start screen, the built-in server first. With no Profiles the program
	// starts at the flow picker.
	Profile  Profile
	Profiles []Profile
	// ProfilesPath is where a new profile is saved; ProfileNote says why
	// saved profiles could not be read, if they could not.
	ProfilesPath, ProfileNote string
	// Flow opens this method's form at once (--flow).
	Flow flows.Method
	// StepMode starts with step mode on (--step): a pause before each request.
	StepMode bool
	// StateDir is where reports and keys are written.
	StateDir string
}

// Sessions is the session store as the program uses it: *store.Store, or
// a fake in tests.
type Sessions interface {
	Create(profile string, st flows.State) (store.Session, error)
	Advance(ctx context.Context, id string, creds flows.Credentials, env flows.Env, in flows.Input) (store.Session, flows.Step, error)
	Get(id string) (store.Session, error)
	List(profile, search string) ([]store.Summary, error)
	// Page is up to n sessions, newest first, older than after (the zero
	// Summary: from the newest), that keep keeps (nil: all).
	Page(n int, after store.Summary, keep func(store.Summary) bool) ([]store.Summary, error)
	Delete(id string) error
	WriteReport(id string) (string, error)
	Notices() []string
	RecentCalls(profile string) ([]flows.APIRequest, error)
	RememberCall(profile string, call flows.APIRequest) error
}

// DemoApprover approves as the demo user on the built-in server: the demo
// shortcut for people (and tests) without a browser at hand.
type DemoApprover interface {
	ApproveURL(ctx context.Context, authURL string) error
	ApproveDevice(ctx context.Context, userCode string) error
	// SendSigned makes the built-in server send a signed request to an
	// endpoint, correctly or broken on purpose ("" or a spacetest tamper).
	SendSigned(ctx context.Context, endpointURL, tamper string) error
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deps) readFile(path string) ([]byte, error) {
	if d.ReadFile != nil {
		return d.ReadFile(path)
	}
	return os.ReadFile(path)
}

func (d *Deps) generateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	if d.GenerateKey != nil {
		return d.GenerateKey()
	}
	return ed25519.GenerateKey(rand.Reader)
}
