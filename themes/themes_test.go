package themes

import (
	"strings"
	"testing"
)

func TestEveryThemeBuildsForLightAndDark(t *testing.T) {
	if len(Names()) < 4 {
		t.Fatalf("themes: %v", Names())
	}
	for _, name := range Names() {
		for _, dark := range []bool{true, false} {
			s := New(name, dark)
			if s.Name != name || s.Err.Render("x") == "" {
				t.Errorf("%s (dark %v) did not build", name, dark)
			}
		}
	}
}

func TestMonoHasNoColour(t *testing.T) {
	s := New("mono", true)
	for _, out := range []string{s.Title.Render("t"), s.OK.Render("ok"), s.Err.Render("err"), s.Box.Render("box")} {
		if strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;") {
			t.Errorf("mono emits a colour: %q", out)
		}
	}
	if !strings.Contains(New("charm", true).Err.Render("err"), "38;2;") {
		t.Error("the default theme emits no colour at all")
	}
}

func TestNoColorPicksMono(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if Default() != "mono" {
		t.Fatal(Default())
	}
	t.Setenv("NO_COLOR", "")
	if Default() != "charm" {
		t.Fatal(Default())
	}
}

func TestCheckAndNext(t *testing.T) {
	if err := Check("nope"); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Fatalf("%v", err)
	}
	seen := map[string]bool{}
	n := "charm"
	for range Names() {
		n = Next(n)
		seen[n] = true
	}
	if len(seen) != len(Names()) {
		t.Fatalf("Next visits %v", seen)
	}
	if New("unknown", true).Name != "charm" {
		t.Error("an unknown theme does not fall back to the default")
	}
}
