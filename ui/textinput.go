package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// updateInput passes a message to a text input, stepping around a crash in
// bubbles v2.2.1: deleting the word forward (alt+d, ctrl+delete) with the
// cursor on the last character reads past the end of the value
// (textinput.deleteWordForward indexes value[pos] after moving the cursor
// to the end). Found by FuzzRootModel. There, the word forward is just the
// rest of the value, so that is what is deleted.
func updateInput(ti textinput.Model, msg tea.Msg) (textinput.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, ti.KeyMap.DeleteWordForward) {
		if v := []rune(ti.Value()); ti.Position() >= len(v)-1 {
			pos := ti.Position()
			ti.SetValue(string(v[:min(pos, len(v))]))
			ti.SetCursor(pos)
			return ti, nil
		}
	}
	return ti.Update(msg)
}
