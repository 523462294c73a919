package spacetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

const stateFile = "state.json"

// registryVersion changes whenever the demo registrations do, so that a state
// file from an older authplay does not bring back old settings.
const registryVersion = 1

// savedState is what a server with a directory keeps between runs: enough
// that yesterday's refresh tokens and revocations still hold.
type savedState struct {
	Version  int                      `json:"version"`
	Addr     string                   `json:"addr"`
	Refresh  map[string]*refreshGrant `json:"refresh_tokens"`
	Offline  map[string]bool          `json:"offline_consents"`
	Revoked  map[string]bool          `json:"revoked_sessions"`
	Apps     []App                    `json:"apps"`
	Comments string                   `json:"_comment"`
}

// load reads the saved state, if any, and returns the address last used.
func (s *Server) load() (string, error) {
	path := filepath.Join(s.cfg.dir, stateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil {
		// A damaged state must not stop the demo: keep it for a look and start afresh.
		aside := path + ".corrupt"
		if rerr := os.Rename(path, aside); rerr != nil {
			return "", fmt.Errorf("%s is damaged (%v) and could not be moved aside: %w", path, err, rerr)
		}
		return "", nil
	}
	for k, v := range st.Refresh {
		s.refresh[k] = v
	}
	for k, v := range st.Offline {
		s.offline[k] = v
	}
	for k, v := range st.Revoked {
		s.revoked[k] = v
	}
	if st.Version == registryVersion {
		for _, a := range st.Apps {
			if _, known := s.apps[a.ClientID]; known {
				s.apps[a.ClientID] = &a
			}
		}
	}
	return st.Addr, nil
}

func (s *Server) save() error {
	if s.cfg.dir == "" {
		return nil
	}
	// One save at a time, each snapshotting inside the lock: the last file
	// written is always the newest state, whatever order saves started in.
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	st := savedState{
		Version: registryVersion, Addr: s.listener.Addr().String(), Refresh: s.refresh, Offline: s.offline, Revoked: s.revoked,
		Comments: "authplay's built-in demo server; delete this file to start afresh",
	}
	for _, a := range DemoApps() {
		st.Apps = append(st.Apps, *s.apps[a.ClientID])
	}
	b, err := json.MarshalIndent(st, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(s.cfg.dir, stateFile), b)
}

// persist saves after a change; a failure to save loses only durability, so
// it must not fail the request that caused it.
func (s *Server) persist() {
	_ = s.save()
}
