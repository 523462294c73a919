package pairs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseBuildIsGoreleasers: the figures are the released binary's
// only while Build builds as .goreleaser.yaml does.
func TestReleaseBuildIsGoreleasers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	for _, e := range ReleaseBuild.Env {
		if !strings.Contains(cfg, "- "+e+"\n") {
			t.Errorf(".goreleaser.yaml does not set %s, which Build does", e)
		}
	}
	for _, f := range ReleaseBuild.Flags {
		if v, ok := strings.CutPrefix(f, "-ldflags="); ok {
			if !strings.Contains(cfg, "- "+v+" ") {
				t.Errorf(".goreleaser.yaml's ldflags do not start with %q, which Build passes", v)
			}
			continue
		}
		if !strings.Contains(cfg, "- "+f+"\n") {
			t.Errorf(".goreleaser.yaml does not pass %s, which Build does", f)
		}
	}
}
