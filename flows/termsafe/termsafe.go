// Package termsafe makes text from a server safe to show in a terminal.
//
// An authorization server, an API or a page the browser passed through
// controls many of the strings authplay shows: error descriptions, response
// bodies, claims, user codes. A terminal obeys control sequences in any of
// them: a server could set the window title, clear the screen, move the
// cursor over authplay's own words, or write the clipboard with OSC 52. So
// every such string passes through here before it reaches a terminal, and
// each control character is shown as its escape (ESC as \x1b), which keeps
// the text readable and makes the attempt visible.
//
// Written here rather than taken from a library: x/ansi strips sequences
// (hiding the attempt, and leaving bare C1 bytes), and strconv.Quote also
// escapes the printable non-ASCII text a person should read as is.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Line returns s with every control character escaped, newlines included:
// for text shown on one line.
func Line(s string) string { return escape(s, false) }

// Block returns s with every control character escaped except newline and
// tab: for bodies shown over several lines.
func Block(s string) string { return escape(s, true) }

// Safe reports whether s needs no escaping on one line.
func Safe(s string) bool { return Line(s) == s }

func escape(s string, keepLines bool) string {
	if !needsEscape(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(keepLines && (c == '\n' || c == '\t')) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// unsafeRune is a non-ASCII character a terminal acts on or that reorders
// what a person reads: C1 controls (U+009B is a one-character CSI) and the
// bidirectional overrides and isolates ("Trojan Source").
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Writer escapes what passes through it, keeping newlines and tabs: the
// last guard in front of a terminal for a command's messages.
type Writer struct{ w io.Writer }

// NewWriter wraps w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it whole; it reports len(p) on success so the
// caller's byte count stays its own.
//
// A multi-byte character split across two writes would be escaped as two
// invalid bytes; messages are written whole lines at a time, so this does
// not arise in practice.
func (w *Writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, Block(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
