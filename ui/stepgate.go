package ui

import (
	"net/url"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/themes"
)

// gate is step mode's pause before a request: the request exactly as it
// will be sent, and the choice to send it, edit it first (any parameter or
// header changed, added or removed), or skip it. The run screen and the
// inspector each hold one.
type gate struct {
	req     *flows.Request // paused before this; nil when not paused
	editing bool
	editor  textarea.Model
	err     string
	hint    string // a line under the title, for what this pause offers besides
	keys    gateKeys
}

type gateKeys struct{ Send, Edit, Skip, SendEdited, CancelEdit key.Binding }

// gateDecision is what the person chose at the gate.
type gateDecision int

const (
	gateWait gateDecision = iota
	gateSend              // send (the request, or the edit of it)
	gateSkip              // do not send it
)

func newGate() gate {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.CharLimit = 64 << 10
	return gate{editor: ta, keys: gateKeys{
		Send: bind("enter", "enter", "send it"), Edit: bind("e", "e", "edit it"), Skip: bind("s", "s", "skip"),
		SendEdited: bind("ctrl+s", "ctrl+s", "send the edit"), CancelEdit: bind("esc", "esc", "stop editing"),
	}}
}

func (g *gate) pause(req flows.Request) { g.req, g.editing, g.err, g.hint = &req, false, "", "" }
func (g *gate) paused() bool            { return g.req != nil }
func (g *gate) typing() bool            { return g.req != nil && g.editing }

func (g *gate) shortHelp() []key.Binding {
	if g.editing {
		return []key.Binding{g.keys.SendEdited, g.keys.CancelEdit}
	}
	return []key.Binding{g.keys.Send, g.keys.Edit, g.keys.Skip}
}

// update takes a message while paused. It returns the decision, and with
// gateSend the request to send: the person's edit, or nil for the one
// built.
func (g *gate) update(msg tea.Msg) (gateDecision, *flows.Request, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	if g.editing {
		switch {
		case isKey && key.Matches(k, g.keys.SendEdited):
			edited, err := flows.ParseRequestText(*g.req, g.editor.Value())
			if err != nil {
				g.err = err.Error()
				return gateWait, nil, nil
			}
			g.req, g.editing = nil, false
			return gateSend, &edited, nil
		case isKey && key.Matches(k, g.keys.CancelEdit):
			g.editing, g.err = false, ""
			return gateWait, nil, nil
		}
		var cmd tea.Cmd
		g.editor, cmd = g.editor.Update(msg)
		return gateWait, nil, cmd
	}
	if !isKey {
		return gateWait, nil, nil
	}
	switch {
	case key.Matches(k, g.keys.Send):
		g.req = nil
		return gateSend, nil, nil
	case key.Matches(k, g.keys.Skip):
		g.req = nil
		return gateSkip, nil, nil
	case key.Matches(k, g.keys.Edit):
		g.editing = true
		g.editor.SetValue(g.req.Text())
		g.editor.MoveToBegin()
		return gateWait, nil, g.editor.Focus()
	}
	return gateWait, nil, nil
}

// view shows the paused request (secrets masked) or the editor (secrets as
// they are sent: the person asked to see and change them).
func (g *gate) view(s *themes.Styles, width, height int) string {
	var b strings.Builder
	if g.editing {
		b.WriteString(wrapIndent(s.Title.Render("Edit the request")+s.Subtle.Render(" · secrets shown as they are sent · a form body is one key=value a line · ctrl+s sends"), width-4, 2, s.Text) + "\n")
		g.editor.SetWidth(max(10, width-4))
		g.editor.SetHeight(max(3, height-lipgloss.Height(b.String())-3))
		b.WriteString(indent(g.editor.View(), 2))
		if g.err != "" {
			b.WriteString("\n" + wrapIndent(s.Err.Render("✗ "+g.err), width-4, 2, s.Err))
		}
		return b.String()
	}
	what := "Step mode: paused before this request. enter sends it, e edits it, s skips it."
	if g.req.Purpose == flows.PurposeAPI {
		what = "The API call to make: enter sends it, e edits it (method, URL, headers, body)."
	}
	if g.req.Browser {
		what = "Step mode: paused before sending the browser here. enter goes on, e edits the URL, s skips."
	}
	b.WriteString(wrapIndent(s.Title.Render(what), width-4, 2, s.Text) + "\n")
	if g.hint != "" {
		b.WriteString(wrapIndent(s.Subtle.Render(g.hint), width-4, 2, s.Subtle) + "\n")
	}
	m := g.req.Shown()
	b.WriteString(indent(s.Value.Render(hardWrap(wholeRequest(m), width-4)), 2))
	return b.String()
}

// wholeRequest writes a shown request with every header.
func wholeRequest(m wire.Message) string {
	var b strings.Builder
	b.WriteString(m.Method + " " + m.URL)
	for _, k := range sortedKeys(m.Header) {
		if k == "Dpop" {
			b.WriteString("\n" + dpopAtSend) // the proof shown now is not the one that goes
			continue
		}
		for _, v := range m.Header[k] {
			b.WriteString("\n" + k + ": " + v)
		}
	}
	if m.Body != "" {
		body := m.Body
		if strings.Contains(strings.ToLower(strings.Join(m.Header["Content-Type"], "")), "x-www-form-urlencoded") {
			// One parameter a line, as it reads: the code, the verifier.
			var lines []string
			for _, kv := range strings.Split(body, "&") {
				if v, err := url.QueryUnescape(kv); err == nil {
					kv = v
				}
				lines = append(lines, kv)
			}
			body = strings.Join(lines, "\n")
		}
		b.WriteString("\n\n" + body)
	}
	return b.String()
}
