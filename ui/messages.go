package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/store"
)

// Every message of the package, in one place.
//
// Screens talk to the root with navigation messages; commands report back
// with result messages. A result names the screen that asked for it
// (owner): the root hands messages to the screen on show only, and a
// screen drops a result meant for another, so a slow answer for a screen
// the person has left is never taken for the new one's.

// Navigation: a screen asks the root to show another.
type (
	flowChosenMsg       struct{ method flows.Method }
	profileChosenMsg    struct{ profile Profile }
	newProfileMsg       struct{}
	profileSavedMsg     struct{ profile Profile }
	resumeMsg           struct{ sess store.Session }
	guideChosenMsg      struct{ method flows.Method }
	signaturesChosenMsg struct{}
	// labChosenMsg opens the lab against a server and client (the
	// profile's, or the session's the inspector shows); esc there sends
	// back.
	labChosenMsg struct {
		params flows.Params
		creds  flows.Credentials
		back   tea.Msg
	}
	// submitMsg runs a draft from its first state, the one its preview showed.
	submitMsg struct {
		draft flows.Draft
		state flows.State
	}
	// authorizedMsg hands a session with a token to the inspector, with the
	// credentials its run holds.
	authorizedMsg struct {
		sess  store.Session
		creds flows.Credentials
	}
	// editMsg goes back to the form with the draft last run, so what was
	// typed is still there.
	editMsg struct{ draft flows.Draft }
	// showPickerMsg and showStartMsg go back to the flow list and the
	// start screen.
	showPickerMsg struct{}
	showStartMsg  struct{}
	// statusMsg is a line for the person at the foot of the screen.
	statusMsg string
)

// Results of commands.
type (
	sessionsLoadedMsg struct {
		owner   int
		list    []store.Summary
		notices []string
		err     error
	}
	// sessionsPagedMsg is the next page of the start screen's sessions.
	sessionsPagedMsg struct {
		owner int
		list  []store.Summary
		err   error
	}
	sessionOpenedMsg struct {
		owner int
		sess  store.Session
		err   error
	}
	sessionDeletedMsg struct {
		owner int
		id    string
		err   error
	}
	createdMsg struct {
		owner int
		sess  store.Session
		err   error
	}
	stepDoneMsg struct {
		owner int
		sess  store.Session
		step  flows.Step
		err   error
	}
	approvedMsg struct {
		owner int
		err   error
	}
	openedMsg struct {
		owner int
		err   error
	}
	pastedMsg struct {
		owner int
		err   error
	}
	checksMsg struct {
		owner int
		input flows.CheckInput
	}
	discoveredMsg struct {
		owner int
		p     store.Profile
		err   error
	}
	savedMsg struct {
		owner int
		p     store.Profile
		err   error
	}
	keyMadeMsg struct {
		owner          int
		pub, fp, saved string
		existed        bool // the key was already saved: shown, not made
		err            error
	}
	refreshTokenFoundMsg struct {
		owner int
		token flows.Secret
	}
	listeningMsg struct {
		owner int
		ep    *spacesig.Endpoint
		err   error
	}
	receivedMsg struct {
		owner int
		rec   spacesig.Received
	}
	publicKeysMsg struct {
		owner int
		set   *jose.JSONWebKeySet
		err   error
	}
	sentMsg struct {
		owner int
		what  string
		err   error
	}
	reportWrittenMsg struct {
		path string
		err  error
	}
	copiedMsg struct {
		what string
		err  error
	}
	// metadataMsg brings the server's discovery document to a form, for
	// its lint.
	metadataMsg struct {
		owner int
		md    *flows.Metadata
	}
	callsLoadedMsg struct {
		owner int
		calls []flows.APIRequest
	}
	tickMsg         time.Time
	flashExpiredMsg struct{ id int }
)
