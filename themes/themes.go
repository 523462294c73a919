// Package themes turns semantic palettes into one Styles struct. It is the
// only package with colour literals: screens ask for "error" or "subtle",
// never for a colour.
package themes

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"sort"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Palette names colours by what they mean.
type Palette struct {
	Primary, Accent, Text, Subtle, Border, Surface, Success, Warning, Error color.Color
	// NoColor renders everything in the terminal's own colours (monochrome, NO_COLOR).
	NoColor bool
}

type paletteFunc func(isDark bool) Palette

// Registry holds the themes by name.
var registry = map[string]paletteFunc{
	"charm": func(dark bool) Palette {
		ld := lipgloss.LightDark(dark)
		return Palette{
			Primary: ld(lipgloss.Color("#6B50FF"), lipgloss.Color("#9B87FF")), Accent: ld(lipgloss.Color("#C2185B"), lipgloss.Color("#FF6AC1")),
			Text: ld(lipgloss.Color("#1F1F28"), lipgloss.Color("#E8E6F0")), Subtle: ld(lipgloss.Color("#6E6A86"), lipgloss.Color("#8A87A0")),
			Border: ld(lipgloss.Color("#C9C4E0"), lipgloss.Color("#4A4560")), Surface: ld(lipgloss.Color("#F3F1FA"), lipgloss.Color("#24212F")),
			Success: ld(lipgloss.Color("#1B7F4C"), lipgloss.Color("#5AF2A0")), Warning: ld(lipgloss.Color("#A35F00"), lipgloss.Color("#FFC15E")),
			Error: ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF6B6B")),
		}
	},
	"light": func(bool) Palette {
		return Palette{
			Primary: lipgloss.Color("#3B5BDB"), Accent: lipgloss.Color("#AE3EC9"), Text: lipgloss.Color("#212529"),
			Subtle: lipgloss.Color("#5C636A"), Border: lipgloss.Color("#CED4DA"), Surface: lipgloss.Color("#F8F9FA"),
			Success: lipgloss.Color("#2B8A3E"), Warning: lipgloss.Color("#A85D00"), Error: lipgloss.Color("#C92A2A"),
		}
	},
	"high-contrast": func(dark bool) Palette {
		ld := lipgloss.LightDark(dark)
		return Palette{
			Primary: ld(lipgloss.Color("#0000EE"), lipgloss.Color("#FFFF00")), Accent: ld(lipgloss.Color("#8B008B"), lipgloss.Color("#00FFFF")),
			Text: ld(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF")), Subtle: ld(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF")),
			Border: ld(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF")), Surface: ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#000000")),
			Success: ld(lipgloss.Color("#006400"), lipgloss.Color("#00FF00")), Warning: ld(lipgloss.Color("#8B4500"), lipgloss.Color("#FFA500")),
			Error: ld(lipgloss.Color("#8B0000"), lipgloss.Color("#FF4040")),
		}
	},
	"mono": func(bool) Palette { return Palette{NoColor: true} },
}

// Names lists the themes.
func Names() []string {
	var out []string
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Default is the theme used unless another is chosen; NO_COLOR picks mono.
func Default() string {
	if os.Getenv("NO_COLOR") != "" {
		return "mono"
	}
	return "charm"
}

// Check says whether a theme exists.
func Check(name string) error {
	if _, ok := registry[name]; !ok {
		return fmt.Errorf("unknown theme %q: choose one of %s", name, strings.Join(Names(), ", "))
	}
	return nil
}

// Next is the theme after name among those readable on this background,
// for the switch key.
func Next(name string, isDark bool) string {
	ns := Offered(isDark)
	for i, n := range ns {
		if n == name {
			return ns[(i+1)%len(ns)]
		}
	}
	return ns[0]
}

// Offered lists the themes whose text is readable on a light or dark
// background: the light theme's dark text would vanish on a dark terminal,
// so it is not offered there.
func Offered(isDark bool) []string {
	var out []string
	for _, n := range Names() {
		if Readable(n, isDark) {
			out = append(out, n)
		}
	}
	return out
}

// Readable says whether a theme's text, warnings and errors stand out from
// the terminal's background: a WCAG contrast of at least 4.5:1 for text,
// 3:1 for the rest, against black for a dark terminal and white for a
// light one. Themes in the terminal's own colours (mono) always are.
func Readable(name string, isDark bool) bool {
	f, ok := registry[name]
	if !ok {
		return false
	}
	p := f(isDark)
	if p.NoColor {
		return true
	}
	bg := color.Color(color.White)
	if isDark {
		bg = color.Black
	}
	if contrast(p.Text, bg) < 4.5 {
		return false
	}
	for _, c := range []color.Color{p.Primary, p.Subtle, p.Success, p.Warning, p.Error, p.Accent} {
		if contrast(c, bg) < 3 {
			return false
		}
	}
	return true
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// Styles is every style the UI uses, built from one palette.
type Styles struct {
	Name                                        string
	App, Header, Title, Subtle, Text, Rule      lipgloss.Style
	OK, Warn, Err, Key, Value, Selected, Accent lipgloss.Style
	Box, ErrBox, Field, FieldFocused, Label     lipgloss.Style
	StepDone, StepNow, StepTodo, StepFailed     lipgloss.Style
	HelpKey, HelpDesc                           lipgloss.Style
	// Help styles the help line and overlay (bubbles/help).
	Help    help.Styles
	Palette Palette
}

// New builds the styles of a theme for a light or dark terminal.
func New(name string, isDark bool) *Styles {
	f, ok := registry[name]
	if !ok {
		f = registry["charm"]
		name = "charm"
	}
	p := f(isDark)
	s := &Styles{Name: name, Palette: p}
	fg := func(c color.Color) lipgloss.Style {
		if p.NoColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(c)
	}
	s.App = lipgloss.NewStyle()
	s.Text = fg(p.Text)
	s.Header = fg(p.Primary).Bold(true)
	s.Title = fg(p.Primary).Bold(true)
	s.Subtle = fg(p.Subtle)
	s.Rule = fg(p.Border)
	s.OK = fg(p.Success)
	s.Warn = fg(p.Warning)
	s.Err = fg(p.Error).Bold(true)
	s.Key = fg(p.Accent)
	s.Value = fg(p.Text)
	s.Accent = fg(p.Accent)
	s.Selected = fg(p.Primary).Bold(true)
	s.Label = fg(p.Subtle)
	s.Field = fg(p.Text)
	s.FieldFocused = fg(p.Primary).Bold(true)
	s.StepDone = fg(p.Success)
	s.StepNow = fg(p.Primary).Bold(true)
	s.StepTodo = fg(p.Subtle)
	s.StepFailed = fg(p.Error).Bold(true)
	s.HelpKey = fg(p.Text).Bold(true)
	s.HelpDesc = fg(p.Subtle)
	s.Help = help.Styles{
		ShortKey: s.HelpKey, ShortDesc: s.HelpDesc, ShortSeparator: s.Rule, Ellipsis: s.HelpDesc,
		FullKey: s.HelpKey, FullDesc: s.HelpDesc, FullSeparator: s.Rule,
	}
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !p.NoColor {
		box = box.BorderForeground(p.Border)
	}
	s.Box = box
	s.ErrBox = box
	if !p.NoColor {
		s.ErrBox = box.BorderForeground(p.Error)
	}
	if p.NoColor {
		s.Selected = s.Selected.Reverse(true)
	}
	return s
}
