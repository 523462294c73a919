package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/store"
)

type startKeys struct{ Up, Down, Open, New, Export, Delete key.Binding }

// start is the first screen: profiles (the built-in server first), a way
// to add one, and recent sessions to resume.
type start struct {
	frame
	keys     startKeys
	sessions []store.Summary
	loaded   bool
	paging   bool // a page is on its way
	ended    bool // the last page read was short: no older sessions
	cursor   int
	confirm  string // session ID awaiting a second x
	note     string
}

func newStart(k *kit, id int) *start {
	return &start{frame: frame{k: k, id: id}, note: k.deps.ProfileNote, keys: startKeys{
		Up: bind("up,k", "↑/k", "up"), Down: bind("down,j", "↓/j", "down"), Open: bind("enter", "enter", "open"),
		New: bind("n", "n", "new profile"), Export: bind("e", "e", "export report"), Delete: bind("x", "x", "delete session"),
	}}
}

func (s *start) Title() string { return "start" }

// Init reads the recent sessions, and what the store had to do to open
// (a damaged database moved aside), in a command.
func (s *start) Init() tea.Cmd {
	sessions, owner := s.k.deps.Sessions, s.id
	if sessions == nil {
		s.loaded = true
		return nil
	}
	return func() tea.Msg {
		list, err := sessions.Page(sessionsPage, store.Summary{}, nil)
		return sessionsLoadedMsg{owner: owner, list: list, notices: sessions.Notices(), err: err}
	}
}

// sessionsPage is how many sessions the start screen reads at a time: the
// newest first, the next ones when the cursor goes past the last.
const sessionsPage = 8

// nextPage reads the sessions after the last one shown, unless the last
// page read was short (the history ends there) or one is on its way.
func (s *start) nextPage() tea.Cmd {
	if s.ended || s.paging || len(s.sessions) == 0 {
		return nil
	}
	s.paging = true
	sessions, owner, after := s.k.deps.Sessions, s.id, s.sessions[len(s.sessions)-1]
	return func() tea.Msg {
		list, err := sessions.Page(sessionsPage, after, nil)
		return sessionsPagedMsg{owner: owner, list: list, err: err}
	}
}

func (s *start) profiles() []Profile { return s.k.state.profiles }

func (s *start) items() int { return len(s.profiles()) + 1 + len(s.sessions) }

// at says what the cursor is on: a profile, "new", or a session.
func (s *start) at() (profile *Profile, isNew bool, sess *store.Summary) {
	ps := s.profiles()
	switch {
	case s.cursor < len(ps):
		return &ps[s.cursor], false, nil
	case s.cursor == len(ps):
		return nil, true, nil
	}
	return nil, false, &s.sessions[s.cursor-len(ps)-1]
}

func (s *start) ShortHelp() []key.Binding {
	_, _, sess := s.at()
	s.keys.Export.SetEnabled(sess != nil)
	s.keys.Delete.SetEnabled(sess != nil)
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Open, s.keys.New, s.keys.Export, s.keys.Delete}
}

func (s *start) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *start) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionsLoadedMsg:
		if msg.owner != s.id {
			return s, nil
		}
		s.loaded, s.sessions, s.ended = true, msg.list, len(msg.list) < sessionsPage
		switch {
		case msg.err != nil:
			s.note = "The session history could not be read: " + msg.err.Error()
		case len(msg.notices) > 0:
			s.note = strings.Join(msg.notices, " ")
		}
		return s, nil
	case sessionsPagedMsg:
		if msg.owner != s.id {
			return s, nil
		}
		s.paging = false
		if msg.err != nil {
			s.note = "Older sessions could not be read: " + msg.err.Error()
			return s, nil
		}
		s.sessions = append(s.sessions, msg.list...)
		s.ended = len(msg.list) < sessionsPage
		return s, nil
	case sessionOpenedMsg:
		if msg.owner != s.id {
			return s, nil
		}
		if msg.err != nil {
			s.note = "That session could not be loaded: " + msg.err.Error()
			return s, nil
		}
		return s, emit(resumeMsg{msg.sess})
	case sessionDeletedMsg:
		if msg.owner != s.id {
			return s, nil
		}
		if msg.err != nil {
			s.note = "Not deleted: " + msg.err.Error()
			return s, nil
		}
		s.sessions = slices.DeleteFunc(s.sessions, func(sum store.Summary) bool { return sum.ID == msg.id })
		s.cursor = min(s.cursor, s.items()-1)
		s.note = "Session deleted."
		return s, nil
	case tea.KeyPressMsg:
		return s, s.key(msg)
	}
	return s, nil
}

func (s *start) key(k tea.KeyPressMsg) tea.Cmd {
	profile, isNew, sess := s.at()
	if !key.Matches(k, s.keys.Delete) {
		s.confirm = ""
	}
	sessions, owner := s.k.deps.Sessions, s.id
	switch {
	case key.Matches(k, s.keys.Up):
		s.cursor = (s.cursor + s.items() - 1) % s.items()
	case key.Matches(k, s.keys.Down):
		s.cursor = (s.cursor + 1) % s.items()
		if s.cursor >= s.items()-2 { // near the last session read: read on
			return s.nextPage()
		}
	case key.Matches(k, s.keys.New), key.Matches(k, s.keys.Open) && isNew:
		return emit(newProfileMsg{})
	case key.Matches(k, s.keys.Open) && profile != nil:
		return emit(profileChosenMsg{*profile})
	case key.Matches(k, s.keys.Open) && sess != nil:
		id := sess.ID
		return func() tea.Msg {
			full, err := sessions.Get(id)
			return sessionOpenedMsg{owner: owner, sess: full, err: err}
		}
	case key.Matches(k, s.keys.Export) && sess != nil:
		id := sess.ID
		return func() tea.Msg {
			path, err := sessions.WriteReport(id)
			return reportWrittenMsg{path: path, err: err}
		}
	case key.Matches(k, s.keys.Delete) && sess != nil:
		if s.confirm != sess.ID {
			s.confirm = sess.ID
			s.note = "Press x again to delete this session for good."
			return nil
		}
		s.confirm = ""
		id := sess.ID
		return func() tea.Msg { return sessionDeletedMsg{owner: owner, id: id, err: sessions.Delete(id)} }
	}
	return nil
}

func (s *start) line(i int, left, right string) string {
	st := s.k.styles
	cursor := "   "
	if i == s.cursor {
		cursor = st.Selected.Render(" › ")
		left = st.Selected.Render(left)
	}
	return beside(cursor+left+"  ", st.Subtle.Render(right), s.width)
}

func (s *start) View() string {
	st := s.k.styles
	var b strings.Builder
	b.WriteString("\n  " + st.Title.Render("Profiles") + "\n")
	for i, p := range s.profiles() {
		desc := profileLine(p)
		if p.Problem != "" {
			desc = "⚠ " + p.Problem
		}
		// A name is the person's text: its control characters are shown,
		// not obeyed, and its width is counted in cells.
		b.WriteString(s.line(i, fitCells(termsafe.Line(p.Name), 28), desc) + "\n")
	}
	b.WriteString(s.line(len(s.profiles()), fitCells("+ New profile", 28), "a preset, a Space URL, an issuer or endpoints") + "\n")
	b.WriteString("\n  " + st.Title.Render("Recent sessions") + "\n")
	switch {
	case !s.loaded:
		b.WriteString("  " + st.Subtle.Render("reading…") + "\n")
	case len(s.sessions) == 0:
		b.WriteString("  " + st.Subtle.Render("none yet: every flow you run is kept here, to resume or export") + "\n")
	}
	first, last := s.window()
	for j := first; j < last; j++ {
		sum := s.sessions[j]
		left := fmt.Sprintf("%s  %-24s", sum.Updated.Local().Format("Jan 02 15:04"), truncate(sum.Method.Info().Title, 24))
		b.WriteString(s.line(len(s.profiles())+1+j, left, s.sessionState(sum)+" · "+sum.Profile) + "\n")
	}
	if s.note != "" {
		b.WriteString("\n" + wrapIndent(s.note, s.width-4, 2, st.Warn) + "\n")
	}
	return b.String()
}

// window is the sessions that fit below the profiles, [first, last): the
// newest, or the ones that end at the cursor once it goes past them.
func (s *start) window() (first, last int) {
	rows := max(1, s.height-len(s.profiles())-8) // titles, blank lines, new-profile row, a note
	j := s.cursor - len(s.profiles()) - 1        // the session under the cursor, if any
	first = max(0, j-rows+1)
	return first, min(len(s.sessions), first+rows)
}

func (s *start) sessionState(sum store.Summary) string {
	switch sum.Phase {
	case flows.PhaseAuthorized:
		if sum.Expiry.IsZero() {
			return "token"
		}
		if rem := sum.Expiry.Sub(s.k.now()); rem > 0 {
			return "token, expires in " + flows.Human(rem)
		}
		return "token expired"
	case flows.PhaseFailed:
		return "failed"
	case flows.PhaseAwaitingRedirect, flows.PhaseAwaitingUser:
		return "waiting: resume"
	}
	return string(sum.Phase)
}

func profileLine(p Profile) string {
	prov := p.Params.Provider
	switch {
	case prov.Builtin:
		return "built-in server: no account, no network"
	case prov.ServiceURL != "":
		return prov.ServiceURL + " · " + cmpOr(p.Params.ClientID, "no client yet")
	}
	return cmpOr(prov.TokenURL, prov.AuthURL) + " · " + cmpOr(p.Params.ClientID, "no client yet")
}
