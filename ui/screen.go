package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/themes"
)

// Screen is the contract every screen keeps (soft-serve's component):
// Init starts its commands, Update takes messages meant for it, View draws
// the body the root frames, SetSize gives it the body's room, and its key
// map feeds the help line and the ? overlay.
type Screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(width, height int)
	help.KeyMap
	// Title names the screen (window title, test messages).
	Title() string
	// Typing reports whether a text field has focus, so single-letter
	// global keys stay out of the person's way.
	Typing() bool
	// Counting reports whether something on screen counts down, so the
	// one-second tick runs only then.
	Counting() bool
}

// kit is what every screen is handed: the program's deps, its styles, and
// the root's state it may read (never write: it asks the root by message).
type kit struct {
	deps   *Deps
	styles *themes.Styles
	state  *appState
}

// appState is what changes while the program runs.
type appState struct {
	profile  Profile   // the profile in use
	profiles []Profile // offered on the start screen
	// stepMode pauses before each request a flow or an action sends.
	stepMode bool
}

func (k *kit) now() time.Time { return k.deps.now() }

// demo is the demo shortcut, offered only while the profile is the
// built-in server.
func (k *kit) demo() DemoApprover {
	if k.state.profile.Params.Provider.Builtin {
		return k.deps.Demo
	}
	return nil
}

// frame is what every screen embeds: its kit, its identity for results,
// and its room.
type frame struct {
	k             *kit
	id            int // results carry it; a result for another id is stale
	width, height int
}

func (f *frame) SetSize(w, h int) { f.width, f.height = w, h }

// Counting is false unless a screen says otherwise.
func (*frame) Counting() bool { return false }

// Typing is false unless a screen says otherwise.
func (*frame) Typing() bool { return false }

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
