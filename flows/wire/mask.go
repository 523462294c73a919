package wire

import "unicode/utf8"

// Mask is what a secret shows as, wherever it is printed or recorded.
const Mask = "••••••"

// Peek masks the middle of a token-like string.
func Peek(v string) string {
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0:
		return ""
	case n < 16:
		return Mask
	}
	r := []rune(v)
	return string(r[:6]) + "…" + string(r[n-4:])
}
