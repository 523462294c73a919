package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authplay/authplay/store"
)

func TestSettingsAreRememberedAndADamagedFileIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authplay", "settings.json")
	if s, err := store.LoadSettings(path); err != nil || s != (store.Settings{}) {
		t.Fatalf("missing file: %+v %v", s, err)
	}
	if err := store.SaveSettings(path, store.Settings{Theme: "mono", StepMode: true}); err != nil {
		t.Fatal(err)
	}
	if s, err := store.LoadSettings(path); err != nil || s.Theme != "mono" || !s.StepMode {
		t.Fatalf("%+v %v", s, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", fi.Mode())
	}
	os.WriteFile(path, []byte("{\"theme\": \"mono\",\n \"step_mode\": tru }"), 0o600)
	if s, err := store.LoadSettings(path); err == nil || !strings.Contains(err.Error(), "line 2") || s != (store.Settings{}) {
		t.Fatalf("damaged: %+v %v", s, err)
	}
	if err := store.SaveSettings(path, store.Settings{Theme: "charm"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path + ".bak"); !strings.Contains(string(b), "tru }") {
		t.Fatalf("the damaged file was not kept: %q", b)
	}
}

// Two programs saving at once leave a file that parses, with one of their
// settings: a rename is atomic.
func TestSettingsSavedConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store.SaveSettings(path, store.Settings{Theme: []string{"charm", "mono"}[i%2], StepMode: i%2 == 0}) //nolint:errcheck // racing on purpose
		}()
	}
	wg.Wait()
	s, err := store.LoadSettings(path)
	if err != nil || (s.Theme == "mono") != !s.StepMode {
		t.Fatalf("%+v %v", s, err)
	}
}
