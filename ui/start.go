package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

type startKeys struct{ Up, Down, Open, New, Export, Delete key.Binding }

// start is the first screen: profiles (the built-in server first), a way
// to add one, and recent sessions to resume.
type start struct {
	c        *common
	keys     startKeys
	sessions []store.Summary
	cursor   int
	confirm  string // session ID awaiting a second x
	note     string
}

func newStart(c *common) *start {
	s := &start{c: c, keys: startKeys{
		Up: bind("up,k", "↑/k", "up"), Down: bind("down,j", "↓/j", "down"), Open: bind("enter", "enter", "open"),
		New: bind("n", "n", "new profile"), Export: bind("e", "e", "export report"), Delete: bind("x", "x", "delete session"),
	}}
	if c.deps.Store != nil {
		if list, err := c.deps.Store.List("", ""); err == nil {
			s.sessions = list[:min(len(list), 8)]
		} else {
			s.note = "The session history could not be read: " + err.Error()
		}
		if n := c.deps.Store.Notices(); len(n) > 0 { // a damaged database moved aside, at Open or since
			s.note = strings.Join(n, " ")
		}
	}
	if c.deps.ProfileNote != "" {
		s.note = c.deps.ProfileNote
	}
	return s
}

func (s *start) items() int { return len(s.c.deps.Profiles) + 1 + len(s.sessions) }

// at says what the cursor is on: a profile, "new", or a session.
func (s *start) at() (profile *Profile, isNew bool, sess *store.Summary) {
	ps := s.c.deps.Profiles
	switch {
	case s.cursor < len(ps):
		return &ps[s.cursor], false, nil
	case s.cursor == len(ps):
		return nil, true, nil
	}
	return nil, false, &s.sessions[s.cursor-len(ps)-1]
}

func (s *start) Typing() bool { return false }

func (s *start) Keys() []key.Binding {
	_, _, sess := s.at()
	s.keys.Export.SetEnabled(sess != nil)
	s.keys.Delete.SetEnabled(sess != nil)
	return []key.Binding{s.keys.Up, s.keys.Down, s.keys.Open, s.keys.New, s.keys.Export, s.keys.Delete}
}

func (s *start) Update(msg tea.Msg) (Screen, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	profile, isNew, sess := s.at()
	if !key.Matches(k, s.keys.Delete) {
		s.confirm = ""
	}
	switch {
	case key.Matches(k, s.keys.Up):
		s.cursor = (s.cursor + s.items() - 1) % s.items()
	case key.Matches(k, s.keys.Down):
		s.cursor = (s.cursor + 1) % s.items()
	case key.Matches(k, s.keys.New), key.Matches(k, s.keys.Open) && isNew:
		return s, emit(newProfileMsg{})
	case key.Matches(k, s.keys.Open) && profile != nil:
		return s, emit(profileChosenMsg{*profile})
	case key.Matches(k, s.keys.Open) && sess != nil:
		full, err := s.c.deps.Store.Get(sess.ID)
		if err != nil {
			s.note = "That session could not be loaded: " + err.Error()
			return s, nil
		}
		return s, emit(resumeMsg{full})
	case key.Matches(k, s.keys.Export) && sess != nil:
		path, err := s.c.deps.Store.WriteReport(sess.ID)
		if err != nil {
			s.note = "The report could not be written: " + err.Error()
			return s, nil
		}
		return s, emit(statusMsg("report written to " + path + " (secrets redacted)"))
	case key.Matches(k, s.keys.Delete) && sess != nil:
		if s.confirm != sess.ID {
			s.confirm = sess.ID
			s.note = "Press x again to delete this session for good."
			return s, nil
		}
		if err := s.c.deps.Store.Delete(sess.ID); err != nil {
			s.note = "Not deleted: " + err.Error()
			return s, nil
		}
		s.sessions = append(s.sessions[:s.cursor-len(s.c.deps.Profiles)-1], s.sessions[s.cursor-len(s.c.deps.Profiles):]...)
		s.cursor = min(s.cursor, s.items()-1)
		s.confirm, s.note = "", "Session deleted."
	}
	return s, nil
}

func (s *start) line(i int, left, right string) string {
	st := s.c.styles
	cursor := "   "
	if i == s.cursor {
		cursor = st.Selected.Render(" › ")
		left = st.Selected.Render(left)
	}
	return truncate(cursor+left+"  "+st.Subtle.Render(right), s.c.width)
}

func (s *start) View() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString("\n  " + st.Title.Render("Profiles") + "\n")
	for i, p := range s.c.deps.Profiles {
		desc := profileLine(p)
		if p.Problem != "" {
			desc = "⚠ " + p.Problem
		}
		b.WriteString(s.line(i, fmt.Sprintf("%-28s", truncate(p.Name, 28)), desc) + "\n")
	}
	b.WriteString(s.line(len(s.c.deps.Profiles), fmt.Sprintf("%-28s", "+ New profile"), "a Space URL, explicit endpoints, or an issuer to discover") + "\n")
	b.WriteString("\n  " + st.Title.Render("Recent sessions") + "\n")
	if len(s.sessions) == 0 {
		b.WriteString("  " + st.Subtle.Render("none yet: every flow you run is kept here, to resume or export") + "\n")
	}
	for j, sum := range s.sessions {
		left := fmt.Sprintf("%s  %-24s", sum.Updated.Local().Format("Jan 02 15:04"), truncate(sum.Method.Info().Title, 24))
		b.WriteString(s.line(len(s.c.deps.Profiles)+1+j, left, s.sessionState(sum)+" · "+sum.Profile) + "\n")
	}
	if s.note != "" {
		b.WriteString("\n" + wrapIndent(s.note, s.c.width-4, 2, st.Warn) + "\n")
	}
	return b.String()
}

func (s *start) sessionState(sum store.Summary) string {
	switch sum.Phase {
	case flows.PhaseAuthorized:
		if sum.Expiry.IsZero() {
			return "token"
		}
		if rem := sum.Expiry.Sub(s.c.now()); rem > 0 {
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
		return "built-in server: every flow, no account, no network"
	case prov.ServiceURL != "":
		return prov.ServiceURL + " · " + or(p.Params.ClientID, "no client yet")
	}
	return or(prov.TokenURL, prov.AuthURL) + " · " + or(p.Params.ClientID, "no client yet")
}
