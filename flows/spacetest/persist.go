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
const registryVersion = 2 // 2: the extensions' settings (keys, DPoP, PAR, mTLS)

// savedState is the part of a directory's state that is one value for the
// whole directory: the last address and the registrations. Grants are not
// here but in dirGrants, one file each, so that two servers sharing the
// directory cannot overwrite each other's; the last writer of this file
// loses nothing but the other's port.
type savedState struct {
	Version  int    `json:"version"`
	Addr     string `json:"addr"`
	Apps     []App  `json:"apps"`
	Comments string `json:"_comment"`

	// Grants as older versions kept them; moved into dirGrants on load.
	Refresh map[string]*legacyRefresh `json:"refresh_tokens,omitempty"`
	Offline map[string]bool           `json:"offline_consents,omitempty"`
	Revoked map[string]bool           `json:"revoked_sessions,omitempty"`
}

type legacyRefresh struct {
	refreshGrant
	Revoked bool `json:"revoked"`
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
		s.notice(fmt.Sprintf("%s was damaged (%v); it was moved to %s and the server started afresh (issued tokens are kept separately)", path, err, aside))
		return "", nil
	}
	if err := s.migrate(st); err != nil {
		return "", fmt.Errorf("moving the grants of %s into %s: %w", path, filepath.Join(s.cfg.dir, grantsDir), err)
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

// migrate moves grants from an older state file into the grant store, then
// rewrites the file without them. Every step can run twice harmlessly, so
// two servers starting at once may both do it.
func (s *Server) migrate(st savedState) error {
	if len(st.Refresh)+len(st.Offline)+len(st.Revoked) == 0 {
		return nil
	}
	for tok, g := range st.Refresh {
		if g == nil || g.Sid == "" || g.ClientID == "" {
			continue
		}
		if known, err := s.grants.lookupRefresh(tok); err != nil || known.grant != nil {
			continue // already moved, or a damaged record that lookups report
		}
		if err := s.grants.addRefresh(tok, g.refreshGrant); err != nil {
			return err
		}
		if g.Revoked {
			if err := s.grants.revokeFamilyRefresh(g.Sid); err != nil {
				return err
			}
		}
	}
	for pair, on := range st.Offline {
		if on {
			if _, err := s.grants.markOffline(pair); err != nil {
				return err
			}
		}
	}
	for sid, on := range st.Revoked {
		if on {
			if err := s.grants.revokeFamily(sid); err != nil {
				return err
			}
		}
	}
	return s.writeState(st.Addr)
}

func (s *Server) save() error {
	if s.cfg.dir == "" {
		return nil
	}
	return s.writeState(s.listener.Addr().String())
}

func (s *Server) writeState(addr string) error {
	// One save at a time, each snapshotting inside the lock: the last file
	// written is always the newest state, whatever order saves started in.
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	st := savedState{
		Version: registryVersion, Addr: addr,
		Comments: "authplay's built-in demo server; delete this file and grants/ to start afresh",
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
	if err := s.save(); err != nil {
		s.notice("could not save " + filepath.Join(s.cfg.dir, stateFile) + ": " + err.Error())
	}
}

// notice tells the operator something no client is told.
func (s *Server) notice(msg string) {
	if s.cfg.notify != nil {
		s.cfg.notify(msg)
	}
}
