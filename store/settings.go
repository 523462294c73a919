package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Settings are the choices a person makes once and expects remembered: the
// theme, and whether step mode is on.
type Settings struct {
	Theme    string `json:"theme,omitempty"`
	StepMode bool   `json:"step_mode,omitempty"`
}

// SettingsPath is os.UserConfigDir()/authplay/settings.json.
func SettingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory: %w (set XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(dir, "authplay", "settings.json"), nil
}

// LoadSettings reads the settings; a missing file is the defaults. A file
// that does not parse is an error naming its line, and the defaults.
func LoadSettings(path string) (Settings, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Settings
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("%s: %w (the defaults are used until a setting changes; the file is then kept as %s.bak)", path, positioned(b, err), filepath.Base(path))
	}
	return s, nil
}

// SaveSettings writes the settings atomically, 0600 in a 0700 directory,
// keeping the previous file (damaged or not) as settings.json.bak.
func SaveSettings(path string, s Settings) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return replacePrivate(path, append(b, '\n'), true)
}
