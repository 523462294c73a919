package themes

import (
	"strings"
	"testing"
)

// Every theme offered on a background is readable there, errors stand
// apart from text, and the light theme is not offered on a dark terminal,
// where its dark text would vanish.
func TestOfferedThemesAreReadable(t *testing.T) {
	for _, dark := range []bool{true, false} {
		offered := Offered(dark)
		if len(offered) < 3 {
			t.Fatalf("dark=%v: only %v offered", dark, offered)
		}
		for _, name := range offered {
			s := New(name, dark)
			if s.Name != name {
				t.Errorf("%s built as %s", name, s.Name)
			}
			if p := s.Palette; !p.NoColor && p.Error == p.Text {
				t.Errorf("%s (dark %v): errors look like text", name, dark)
			}
		}
	}
	if Readable("light", true) {
		t.Error("the light theme is called readable on a dark terminal")
	}
	if !Readable("light", false) || !Readable("charm", true) || !Readable("charm", false) {
		t.Error("a theme made for the background is called unreadable")
	}
	if Next("charm", true) == "light" || Next("high-contrast", true) == "light" {
		t.Error("ctrl+t offers the light theme on a dark terminal")
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
		n = Next(n, false)
		seen[n] = true
	}
	if len(seen) != len(Offered(false)) {
		t.Fatalf("Next visits %v", seen)
	}
	if New("unknown", true).Name != "charm" {
		t.Error("an unknown theme does not fall back to the default")
	}
}
