package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// helpView is ?: every key the screen has now, and the global ones, whole.
// bubbles/help lays a screen's groups side by side and cuts what passes
// the width, which at 80 columns hid whole columns of the inspector while
// rows stood empty; so the keys are laid out again here, in order: the
// screen's, then the global ones in columns of their own when that fits,
// else all together, in as few rows as let every column fit.
func (a *App) helpView() string {
	s := a.k.styles
	var screen []key.Binding
	seen := map[key.Help]bool{}
	for _, g := range a.screen.FullHelp() {
		for _, b := range g {
			if b.Enabled() && !seen[b.Help()] {
				seen[b.Help()] = true
				screen = append(screen, b)
			}
		}
	}
	global := []key.Binding{a.keys.StepMode, a.keys.Theme, a.keys.Help, a.keys.Quit, a.keys.ForceQuit}
	full := help.New()
	full.Styles = a.k.styles.Help
	note := wrapIndent(s.Subtle.Render("q quits when no text field has focus; ctrl+c always quits. Any key closes this help."), a.width-4, 2, s.Subtle)
	// The room for rows: the body less the title, the blank lines and the
	// note.
	rows := a.height - 3 - 5 - lipgloss.Height(note)
	keys, ok := helpColumns(full, [][]key.Binding{screen, global}, a.width-4, len(global), rows)
	if !ok {
		keys, ok = helpColumns(full, [][]key.Binding{append(screen, global...)}, a.width-4, 1, rows)
	}
	if !ok { // a window too small for columns: one, as long as it takes
		keys = full.FullHelpView([][]key.Binding{append(screen, global...)})
	}
	return "\n" + s.Title.Render("  Keys on this screen") + "\n\n" + indent(keys, 2) + "\n\n" + note
}

// helpColumns lays each set of keys out in columns of its own, top to
// bottom then left to right, with the fewest rows from least up to most
// (and at least a quarter of the keys, so they read as columns) whose
// columns fit in width; false when none do.
func helpColumns(h help.Model, sets [][]key.Binding, width, least, most int) (string, bool) {
	total := 0
	for _, set := range sets {
		total += len(set)
	}
	for rows := max(least, (total+3)/4, 1); rows <= most; rows++ {
		var cols [][]key.Binding
		for _, set := range sets {
			for i := 0; i < len(set); i += rows {
				cols = append(cols, set[i:min(i+rows, len(set))])
			}
		}
		if v := h.FullHelpView(cols); lipgloss.Width(v) <= width {
			return v, true
		}
	}
	return "", false
}
