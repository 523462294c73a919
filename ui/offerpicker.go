package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/themes"
)

// offerPicker picks values for a space-separated list field (a scope)
// from what the field offers, each with its meaning. What was typed and is
// not offered stays in the list.
type offerPicker struct {
	label  string
	offers []flows.Offer
	chosen map[string]bool
	cursor int
	keys   offerKeys
}

type offerKeys struct{ Up, Down, Toggle, Apply, Cancel key.Binding }

func newOfferPicker(label string, offers []flows.Offer, current string) *offerPicker {
	p := &offerPicker{label: label, offers: offers, chosen: map[string]bool{}, keys: offerKeys{
		Up: bind("up,k", "↑/k", "up"), Down: bind("down,j", "↓/j", "down"), Toggle: bind("space,x", "space", "pick"),
		Apply: bind("enter", "enter", "use these"), Cancel: bind("esc", "esc", "keep as it was"),
	}}
	for _, v := range strings.Fields(current) {
		p.chosen[v] = true
	}
	return p
}

func (p *offerPicker) shortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Toggle, p.keys.Apply, p.keys.Cancel}
}

// update takes a key; done says the picker closes, with the new value
// when apply is true.
func (p *offerPicker) update(k tea.KeyPressMsg, current string) (value string, done, apply bool) {
	switch {
	case key.Matches(k, p.keys.Up):
		p.cursor = (p.cursor + len(p.offers) - 1) % len(p.offers)
	case key.Matches(k, p.keys.Down):
		p.cursor = (p.cursor + 1) % len(p.offers)
	case key.Matches(k, p.keys.Toggle):
		v := p.offers[p.cursor].Value
		p.chosen[v] = !p.chosen[v]
	case key.Matches(k, p.keys.Apply):
		return p.value(current), true, true
	case key.Matches(k, p.keys.Cancel):
		return current, true, false
	}
	return current, false, false
}

// value is the list: the values kept from what was there, in their order,
// then the newly picked ones in the offers' order.
func (p *offerPicker) value(current string) string {
	offered := func(v string) bool {
		return slices.ContainsFunc(p.offers, func(o flows.Offer) bool { return o.Value == v })
	}
	var out []string
	for _, v := range strings.Fields(current) {
		if (p.chosen[v] || !offered(v)) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, o := range p.offers {
		if p.chosen[o.Value] && !slices.Contains(out, o.Value) {
			out = append(out, o.Value)
		}
	}
	return strings.Join(out, " ")
}

func (p *offerPicker) view(s *themes.Styles, width, height int) string {
	var b strings.Builder
	b.WriteString("  " + s.Title.Render("Pick "+strings.ToLower(p.label)) + s.Subtle.Render("  space picks, enter uses them") + "\n\n")
	var lines []string
	cursorLine := 0
	col := 0 // the values' column: as wide as the longest, up to half the room
	for _, o := range p.offers {
		col = max(col, len([]rune(o.Value)))
	}
	col = min(col, width/2)
	for i, o := range p.offers {
		box := "[ ] "
		if p.chosen[o.Value] {
			box = "[x] "
		}
		cursor := "  "
		if i == p.cursor {
			cursor = s.Selected.Render("› ")
			cursorLine = len(lines)
		}
		value := fmt.Sprintf("%-*s ", col, truncate(o.Value, col))
		if i == p.cursor {
			value = s.Selected.Render(value)
		}
		head := cursor + box + value
		lines = append(lines, strings.Split(beside(head, s.Subtle.Render(o.Meaning), width-2), "\n")...)
	}
	room := max(1, height-3)
	// The cursor stays in sight: the list starts where the cursor's line
	// is the last that fits (worked out here, not kept, so View changes
	// nothing).
	top := max(0, cursorLine-room+1)
	visible, _ := scrolled(s, strings.Join(lines, "\n"), top, room)
	b.WriteString(indent(visible, 1))
	return b.String()
}
