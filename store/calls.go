package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/authplay/authplay/flows"
)

// The API calls a person made, kept per profile so the next token of the
// same profile offers them again: calls.json in the state directory.

// callsKept is how many calls a profile keeps, newest first.
const callsKept = 10

type callsFile struct {
	Profiles map[string][]flows.APIRequest `json:"profiles"`
}

func (s *Store) callsPath() string { return filepath.Join(s.dir, "calls.json") }

// RecentCalls are the profile's last calls, newest first. A file that does
// not parse is reported and treated as empty; it is kept until a call is
// remembered, which keeps it as calls.json.bak.
func (s *Store) RecentCalls(profile string) ([]flows.APIRequest, error) {
	f, err := s.readCalls()
	return f.Profiles[profile], err
}

// RememberCall puts a call first in the profile's list (once), keeping the
// newest ten.
func (s *Store) RememberCall(profile string, call flows.APIRequest) error {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	f, err := s.readCalls()
	if err != nil {
		if old, rerr := os.ReadFile(s.callsPath()); rerr == nil {
			os.WriteFile(s.callsPath()+".bak", old, 0o600) //nolint:errcheck // best effort: the damaged list is kept if it can be
		}
		f = callsFile{}
	}
	if f.Profiles == nil {
		f.Profiles = map[string][]flows.APIRequest{}
	}
	list := slices.DeleteFunc(f.Profiles[profile], func(c flows.APIRequest) bool {
		return c.Method == call.Method && c.Path == call.Path && c.Body == call.Body
	})
	f.Profiles[profile] = append([]flows.APIRequest{call}, list[:min(len(list), callsKept-1)]...)
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return replacePrivate(s.callsPath(), b, false)
}

func (s *Store) readCalls() (callsFile, error) {
	var f callsFile
	b, err := os.ReadFile(s.callsPath())
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return callsFile{}, fmt.Errorf("%s does not parse (%v): your recent API calls are not offered", s.callsPath(), err)
	}
	return f, nil
}
