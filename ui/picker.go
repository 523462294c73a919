package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
)

type pickerKeys struct{ Up, Down, Choose, Guide, Back key.Binding }

// picker lists the methods, from their specs, and endpoint verification.
type picker struct {
	frame
	keys    pickerKeys
	methods []flows.MethodInfo
	cursor  int
}

func newPicker(k *kit, id int) *picker {
	var methods []flows.MethodInfo
	for _, s := range flows.Specs() {
		methods = append(methods, s.Info)
	}
	return &picker{frame: frame{k: k, id: id}, methods: append(methods, signaturesEntry, labEntry), keys: pickerKeys{
		Up: bind("up,k", "↑/k", "up"), Down: bind("down,j", "↓/j", "down"), Choose: bind("enter", "enter", "choose"),
		Back: bind("esc", "esc", "profiles"), Guide: bind("g", "g", "registration guide"),
	}}
}

func (p *picker) Title() string      { return "pick a flow" }
func (p *picker) Init() tea.Cmd      { return nil }
func (p *picker) onSignatures() bool { return p.methods[p.cursor].Method == signaturesEntry.Method }
func (p *picker) onLab() bool        { return p.methods[p.cursor].Method == labEntry.Method }

// onFlow reports whether the entry under the cursor is a flow (with a
// form and a registration guide) rather than one of the entries beside them.
func (p *picker) onFlow() bool { return !p.onSignatures() && !p.onLab() }

func (p *picker) ShortHelp() []key.Binding {
	p.keys.Back.SetEnabled(len(p.k.state.profiles) > 0)
	p.keys.Guide.SetEnabled(p.onFlow())
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Choose, p.keys.Guide, p.keys.Back}
}

func (p *picker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

func (p *picker) Update(msg tea.Msg) (Screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Up):
			p.cursor = (p.cursor + len(p.methods) - 1) % len(p.methods)
		case key.Matches(k, p.keys.Down):
			p.cursor = (p.cursor + 1) % len(p.methods)
		case key.Matches(k, p.keys.Guide) && p.onFlow():
			return p, emit(guideChosenMsg{p.methods[p.cursor].Method})
		case key.Matches(k, p.keys.Back) && len(p.k.state.profiles) > 0:
			return p, emit(showStartMsg{})
		case key.Matches(k, p.keys.Choose) && p.onSignatures():
			return p, emit(signaturesChosenMsg{})
		case key.Matches(k, p.keys.Choose) && p.onLab():
			return p, emit(labChosenMsg{params: p.k.state.profile.Params, creds: p.k.state.profile.Creds, back: showPickerMsg{}})
		case key.Matches(k, p.keys.Choose):
			return p, emit(flowChosenMsg{p.methods[p.cursor].Method})
		}
	}
	return p, nil
}

func (p *picker) View() string {
	s := p.k.styles
	var b strings.Builder
	fmt.Fprintf(&b, "\n %s\n\n", s.Title.Render(fmt.Sprintf("%-38s", " Pick a flow"))+s.Subtle.Render(fmt.Sprintf("%-16s%s", "acts for", "status")))
	cur := p.methods[p.cursor]
	text := cur.Summary
	if cur.Warning != "" {
		text += "\n\n" + s.Warn.Render(cur.Warning)
	}
	width := p.width - 4
	box := "\n" + indent(s.Box.Width(width).Render(s.Text.Width(width-4).Render(text)+"\n"+lipgloss.PlaceHorizontal(width-4, lipgloss.Right, s.Subtle.Render(cur.Refs))), 1)
	// The description under the cursor always shows whole; the list
	// gives way to it, a window around the cursor when the room is short.
	from, to := listWindow(len(p.methods), p.cursor, p.height-lipgloss.Height(b.String())-lipgloss.Height(box)+1)
	if from > 0 {
		b.WriteString(s.Subtle.Render(fmt.Sprintf("   ↑ %d more", from)) + "\n")
	}
	for i, m := range p.methods[from:to] {
		i += from
		cursor, name := "   ", fmt.Sprintf("%-36s", m.Title)
		if i == p.cursor {
			cursor = s.Selected.Render(" › ")
			name = s.Selected.Render(name)
		}
		status := s.OK.Render(m.Status)
		switch {
		case m.Warning != "":
			status = s.Warn.Render(m.Status)
		case !m.Recommended:
			status = s.Subtle.Render(m.Status)
		}
		fmt.Fprintf(&b, "%s%s%s%s\n", cursor, name, s.Text.Render(fmt.Sprintf("%-16s", m.ActsFor)), status)
	}
	if to < len(p.methods) {
		b.WriteString(s.Subtle.Render(fmt.Sprintf("   ↓ %d more", len(p.methods)-to)) + "\n")
	}
	b.WriteString(box)
	return b.String()
}

// listWindow is the part of a list of n entries that fits in rows lines:
// all of it, or a window holding the cursor with a line above and below
// for what is out of sight.
func listWindow(n, cursor, rows int) (from, to int) {
	if rows >= n {
		return 0, n
	}
	shown := max(1, rows-2)
	from = min(max(0, cursor-shown/2), n-shown)
	return from, from + shown
}

// signaturesEntry sits beside the flows: the other half of the registration
// guide, where Space calls the application.
var signaturesEntry = flows.MethodInfo{
	Method: "endpoint", Title: "Endpoint verification", ActsFor: "Space → app", Status: "signed requests", Recommended: true,
	Summary: "authplay plays your application's endpoint. Space (here the built-in server) sends it a signed chat message, and authplay checks step by step that Space really sent it: the timestamp, the signing key's HMAC and Space's public-key signature.",
	Refs:    "Space: Verify requests from Space",
}

// labEntry opens the lab, where each experiment tries something the
// server (or authplay) must refuse.
var labEntry = flows.MethodInfo{
	Method: "lab", Title: "Lab: break a flow on purpose", ActsFor: "you → server", Status: "experiments", Recommended: true,
	Summary: "Replay a code, drop the PKCE verifier, bend the redirect URI, reuse a rotated refresh token, forge the state: each experiment really sends the request a defended server refuses, then tells you whether it was refused and which RFC says it must be. Against your own server it doubles as a check.",
	Refs:    "RFC 9700; RFC 7636; RFC 6749 §10",
}
