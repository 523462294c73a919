// Package ui is authplay's terminal face: a Bubble Tea v2 program that steps
// through flow selection, parameter entry, redirect capture and token
// inspection. All protocol work happens in flows, driven through store
// sessions from tea.Cmds; ui only renders what comes back.
package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/themes"
)

// Profile is a provider with a client registration, ready to prefill a form.
type Profile struct {
	Name   string
	Params flows.Params
	Creds  flows.Credentials
	// PermanentToken prefills the bring-a-token field.
	PermanentToken flows.Secret
	// SigningKey is the application's key for verifying Space's requests.
	SigningKey flows.Secret
	// Saved is the profile as written in profiles.json (nil for the demo).
	Saved *store.Profile
	// Problem says why the profile is not usable as is (an unset secret variable).
	Problem string
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

// Clipboard writes to the system clipboard; nil means OSC 52 only.
type Clipboard func(string) error

// Deps is what the program needs from outside.
type Deps struct {
	Store     *store.Store
	Env       flows.Env
	Profile   Profile
	Demo      DemoApprover // nil unless the profile is the built-in server
	Theme     string
	Flow      flows.Method // open this flow's form at once
	Clipboard Clipboard
	Now       func() time.Time

	// Profiles are offered on the start screen, the built-in server first;
	// ProfilesPath is where a new one is saved. With no Profiles the
	// program starts at the flow picker with Profile.
	Profiles     []Profile
	ProfilesPath string
	// ProfileNote says why a saved profile could not be read, if one could not.
	ProfileNote string
}

// Message types of the package.
type (
	flowChosenMsg struct{ method flows.Method }
	submitMsg     struct {
		state flows.State
		creds flows.Credentials
	}
	stepDoneMsg struct {
		attempt int
		sess    store.Session
		step    flows.Step
		err     error
	}
	flashMsg    struct{ id int }
	tickMsg     time.Time
	approvedMsg struct {
		attempt int
		err     error
	}
	apiDoneMsg struct {
		title string
		resp  flows.APIResponse
		err   error
	}
	backMsg           struct{}
	endpointChosenMsg struct{}
	profileChosenMsg  struct{ profile Profile }
	resumeMsg         struct{ sess store.Session }
	newProfileMsg     struct{}
	profileSavedMsg   struct{ profile Profile }
)

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

type common struct {
	styles *themes.Styles
	width  int
	height int
	deps   *Deps
}

// demo is the demo shortcut, offered only while the profile is the built-in server.
func (c *common) demo() DemoApprover {
	if c.deps.Profile.Params.Provider.Builtin {
		return c.deps.Demo
	}
	return nil
}

func (c *common) now() time.Time {
	if c.deps.Now != nil {
		return c.deps.Now()
	}
	return time.Now()
}
