package flows

import (
	"fmt"
	"io"

	"github.com/authplay/authplay/flows/wire"
)

// Secret holds a credential or token. Every fmt verb prints a mask, so a
// secret that slips into a log line, an error or a panic shows as •••.
// JSON encodes the real value: callers decide what is persisted.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return wire.Mask
}

// Format implements fmt.Formatter so that %v, %s, %q, %x and %#v all mask.
func (s Secret) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) } //nolint:errcheck

// Reveal returns the value. Call it only where the value is sent or shown on purpose.
func (s Secret) Reveal() string { return string(s) }

// Peek shows the head and tail of a long token (eyJhbG…Q8hQ), enough to tell
// tokens apart without making them usable.
func (s Secret) Peek() string { return wire.Peek(string(s)) }
