package wire

import "fmt"

// Clip keeps a body readable on screen: HTML error pages can be huge.
func Clip(s string) string {
	const limit = 4000
	if len(s) <= limit {
		return s
	}
	return s[:limit] + fmt.Sprintf("\n… (%d more bytes not shown)", len(s)-limit)
}

// Head keeps the first n characters of s, for quoting what came back in a
// one-line message.
func Head(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
