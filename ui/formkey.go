package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// formKey is the form's private key file: read in a command whenever the
// path changes (never in Update or View), so the preview can show the
// assertion it signs and the run holds the key in memory.
type formKey struct {
	path string // the path last read, or being read
	err  string // why the file at path cannot sign
}

// readKey reads the key file the draft names, when that is a file not read
// yet; with none named, the draft holds no key.
func (f *form) readKey() tea.Cmd {
	path := f.draft.Params.PrivateKeyFile
	if path == f.key.path {
		return nil
	}
	f.key = formKey{path: path}
	f.draft.Creds.ClientKey = nil
	if path == "" {
		return nil
	}
	owner := f.id
	return func() tea.Msg {
		k, err := flows.LoadClientKey(path)
		return clientKeyMsg{owner: owner, path: path, key: k, err: err}
	}
}

// keyRead takes a key that was read, if it is still the one named.
func (f *form) keyRead(msg clientKeyMsg) {
	if msg.owner != f.id || msg.path != f.draft.Params.PrivateKeyFile {
		return
	}
	f.draft.Creds.ClientKey, f.key.err = msg.key, ""
	if msg.err != nil {
		f.key.err = msg.err.Error()
	}
	f.noteKey()
}

// noteKey shows beside the key file's row why it cannot sign, unless the
// row has another problem to show.
func (f *form) noteKey() {
	if r := f.rows.row(string(flows.FieldPrivateKeyFile)); r != nil && r.note == "" && f.key.err != "" {
		r.note = f.key.err
	}
}
