package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
)

// The lab's drawing: the list of experiments beside the one under the
// cursor (stacked when the window is narrow), or one experiment's steps.

// labListWidth is the list's width: the cursor, the verdict and the longest id.
func (l *labScreen) labListWidth() int {
	w := 0
	for _, e := range l.exps {
		w = max(w, len(e.ID))
	}
	return 3 + 12 + 1 + w
}

func (l *labScreen) View() string {
	if l.detail {
		return l.detailView()
	}
	s := l.k.styles
	var b strings.Builder
	fmt.Fprintf(&b, "\n %s\n", s.Title.Render(" Lab: break a flow on purpose, watch the defence"))
	b.WriteString(wrapIndent(s.Subtle.Render(l.tally()), l.width-4, 2, s.Subtle) + "\n")
	b.WriteString(l.question())
	b.WriteString("\n")
	list := l.listView()
	room := l.height - lipgloss.Height(b.String())
	if lw := l.labListWidth(); l.width >= lw+30 {
		w := l.width - lw - 3
		about, _ := scrolled(s, l.aboutView(w), 0, room)
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(lw+1).Render(list), " ", about))
		return b.String()
	}
	body, _ := scrolled(s, list+"\n\n"+indent(l.aboutView(l.width-4), 2), 0, room)
	b.WriteString(body)
	return b.String()
}

func (l *labScreen) tally() string {
	count := map[lab.Verdict]int{}
	for _, r := range l.results {
		count[r.Verdict]++
	}
	if len(l.results) == 0 {
		return fmt.Sprintf("%d experiments, none run yet", len(l.exps))
	}
	line := fmt.Sprintf("%d defended · %d vulnerable · %d skipped", count[lab.Defended], count[lab.Vulnerable], count[lab.Skipped])
	if n := len(l.exps) - len(l.results); n > 0 {
		line += fmt.Sprintf(" · %d to run", n)
	}
	return line
}

// question asks before experiments run against another machine.
func (l *labScreen) question() string {
	if len(l.asking) == 0 {
		return ""
	}
	s := l.k.styles
	return "\n" + wrapIndent(s.Warn.Render(fmt.Sprintf("These experiments send %s requests it should refuse, get tokens there and revoke them afterwards. y runs them, n cancels.", strings.Join(l.hosts, ", "))), l.width-4, 2, s.Warn) + "\n"
}

// verdictLabel is an experiment's state as the list shows it, ten cells wide.
func (l *labScreen) verdictLabel(id string) string {
	s := l.k.styles
	if id == l.running {
		return s.Accent.Render(fmt.Sprintf("%-12s", "… running"))
	}
	for _, q := range l.queue {
		if q == id {
			return s.Subtle.Render(fmt.Sprintf("%-12s", "· queued"))
		}
	}
	r, ok := l.results[id]
	switch {
	case !ok:
		return s.Subtle.Render(fmt.Sprintf("%-12s", "· not run"))
	case r.Verdict == lab.Defended:
		return s.OK.Render(fmt.Sprintf("%-12s", "✓ defended"))
	case r.Verdict == lab.Vulnerable:
		return s.Err.Render(fmt.Sprintf("%-12s", "✗ VULNERABLE"))
	default:
		return s.Subtle.Render(fmt.Sprintf("%-12s", "– skipped"))
	}
}

func (l *labScreen) listView() string {
	s := l.k.styles
	var b strings.Builder
	for i, e := range l.exps {
		cursor, id := "   ", s.Text.Render(e.ID)
		if i == l.cursor {
			cursor, id = s.Selected.Render(" › "), s.Selected.Render(e.ID)
		}
		b.WriteString(cursor + l.verdictLabel(e.ID) + " " + id + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// aboutView tells of the experiment under the cursor: what it tries, what
// a defence looks like, and how its last run ended.
func (l *labScreen) aboutView(w int) string {
	s := l.k.styles
	e := l.current()
	var b strings.Builder
	b.WriteString(s.Title.Width(w).Render(e.Title) + "\n")
	if e.ClientSide {
		b.WriteString(s.Subtle.Width(w).Render("authplay's own defence, shown from its side") + "\n")
	}
	switch r, ok := l.results[e.ID]; {
	case e.ID == l.running:
		b.WriteString(s.Accent.Width(w).Render(l.runningLine()) + "\n")
	case ok:
		b.WriteString(l.verdictStyle(r.Verdict).Width(w).Render(string(r.Verdict)+": "+r.Explanation) + "\n")
		b.WriteString(s.Subtle.Width(w).Render(fmt.Sprintf("%d step(s) · v shows them", len(r.Steps))) + "\n")
	}
	b.WriteString("\n" + s.Text.Width(w).Render(s.Subtle.Render("Tries: ")+e.Tries) + "\n")
	b.WriteString(s.Text.Width(w).Render(s.Subtle.Render("Defence: ")+e.Defence) + "\n")
	b.WriteString(s.Subtle.Width(w).Render(e.RFC) + "\n")
	return b.String()
}

func (l *labScreen) verdictStyle(v lab.Verdict) lipgloss.Style {
	switch v {
	case lab.Defended:
		return l.k.styles.OK
	case lab.Vulnerable:
		return l.k.styles.Err
	}
	return l.k.styles.Subtle
}

func (l *labScreen) runningLine() string {
	line := fmt.Sprintf("running for %s, %d step(s) so far", flows.Human(l.k.now().Sub(l.started).Truncate(1e9)), len(l.live))
	if l.stopping {
		line = "stopping: cleaning up what the run obtained"
	}
	return line
}

// detailView is one experiment whole: its verdict, then every step it
// took, exchanges included, scrolled.
func (l *labScreen) detailView() string {
	s := l.k.styles
	w := l.width - 4
	e := l.current()
	var head strings.Builder
	head.WriteString("\n" + wrapIndent(s.Title.Render(e.Title)+"  "+s.Subtle.Render(e.ID), w, 1, s.Text) + "\n")
	steps := l.live
	switch r, ok := l.results[e.ID]; {
	case e.ID == l.running:
		head.WriteString(wrapIndent(s.Accent.Render(l.runningLine()), w, 1, s.Accent) + "\n")
		if l.signIn != "" {
			head.WriteString(wrapIndent(s.Warn.Render("Sign in to go on (the browser should be open):"), w, 1, s.Warn) + "\n")
			head.WriteString(indent(s.Value.Render(hardWrap(l.signIn, w-2)), 2) + "\n")
		}
	case ok:
		head.WriteString(wrapIndent(l.verdictStyle(r.Verdict).Render(string(r.Verdict)+": ")+r.Explanation, w, 1, s.Text) + "\n")
		steps = r.Steps
	default:
		head.WriteString(wrapIndent(s.Subtle.Render("Not run yet: r runs it."), w, 1, s.Subtle) + "\n")
		steps = nil
	}
	head.WriteString("\n")
	// What it tries and what defends scroll with the steps: the verdict
	// above always shows.
	var body strings.Builder
	body.WriteString(wrapIndent(s.Subtle.Render("Tries: ")+e.Tries, w, 2, s.Text) + "\n")
	body.WriteString(wrapIndent(s.Subtle.Render("Defence: ")+e.Defence, w, 2, s.Text) + "\n")
	body.WriteString(wrapIndent(s.Subtle.Render(e.RFC), w, 2, s.Subtle) + "\n\n")
	if len(steps) == 0 {
		body.WriteString("  " + s.Subtle.Render("(no steps yet)"))
	}
	body.WriteString(stepsView(s, steps, w, true))
	var visible string
	visible, l.scroll = scrolled(s, body.String(), l.scroll, l.height-lipgloss.Height(head.String()))
	return head.String() + visible
}
