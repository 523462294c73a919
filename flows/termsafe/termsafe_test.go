package termsafe_test

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/authplay/authplay/flows/termsafe"
)

func TestEscapesWhatATerminalObeys(t *testing.T) {
	cases := map[string]struct{ in, line, block string }{
		"title":       {"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, `\x1b]0;pwned\x07`},
		"osc52":       {"a\x1b]52;c;ZWNobw==\x1b\\b", `a\x1b]52;c;ZWNobw==\x1b\b`, `a\x1b]52;c;ZWNobw==\x1b\b`},
		"clear":       {"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`, `\x1b[2J\x1b[H`},
		"c1 csi":      {"x\u009b2Jy", `x\u009b2Jy`, `x\u009b2Jy`},
		"bidi":        {"abc\u202edef", `abc\u202edef`, `abc\u202edef`},
		"newline":     {"a\nb\tc\rd", `a\x0ab\x09c\x0dd`, "a\nb\tc\\x0dd"},
		"invalid":     {"a\xffb", `a\xffb`, `a\xffb`},
		"plain":       {"Grüße, 世界 🔑", "Grüße, 世界 🔑", "Grüße, 世界 🔑"},
		"del and nul": {"a\x7fb\x00", `a\x7fb\x00`, `a\x7fb\x00`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := termsafe.Line(c.in); got != c.line {
				t.Errorf("Line = %q, want %q", got, c.line)
			}
			if got := termsafe.Block(c.in); got != c.block {
				t.Errorf("Block = %q, want %q", got, c.block)
			}
		})
	}
}

func TestWriterEscapesAndCountsInput(t *testing.T) {
	var out bytes.Buffer
	w := termsafe.NewWriter(&out)
	n, err := w.Write([]byte("error: \x1b]0;x\x07\n"))
	if err != nil || n != len("error: \x1b]0;x\x07\n") || out.String() != "error: \\x1b]0;x\\x07\n" {
		t.Fatalf("%d %v %q", n, err, out.String())
	}
}

// FuzzLine: whatever goes in, what comes out holds no byte a terminal acts
// on, and safe text passes unchanged.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31m", "\u009b", "a\xc2", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := termsafe.Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out: %q", out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("%q still holds %U", out, r)
			}
		}
		if termsafe.Safe(s) && out != s {
			t.Fatalf("safe text changed: %q -> %q", s, out)
		}
		if termsafe.Line(out) != out {
			t.Fatalf("not idempotent on %q", out)
		}
	})
}
