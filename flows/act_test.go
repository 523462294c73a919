package flows_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
)

// An act claim is read for people whatever the issuer put in it: the
// current actor and a few before it, how many more there are, and what
// is wrong with it; never longer than a few lines, never a byte a
// terminal would obey.
func TestActDescriptionIsBounded(t *testing.T) {
	deep := map[string]any{"sub": "first"}
	for range 100000 {
		deep = map[string]any{"sub": "svc", "act": deep}
	}
	long := strings.Repeat("w", 1<<20)
	for _, c := range []struct {
		name string
		act  any
		want string
	}{
		{"one actor", map[string]any{"sub": "api-gateway", "client_id": "gw"}, "api-gateway (client gw) acts for the subject"},
		{"a chain", map[string]any{"sub": "a", "act": map[string]any{"sub": "b", "iss": "https://idp", "act": map[string]any{"sub": "c"}}},
			"a acts for the subject (earlier actors, latest first: b of https://idp, then c)"},
		{"a chain 100,000 deep", deep, "more than 60 more"},
		{"seven actors", chain(7), "then 3 more"},
		{"a string", "acting " + hostiletest.Escapes, "act is a string, not the JSON object RFC 8693 §4.1 requires"},
		{"an array", []any{map[string]any{"sub": "x"}}, "act is an array"},
		{"a nested number", map[string]any{"sub": "a", "act": 7.0}, "the act nested 1 deep is a number, not an object"},
		{"escapes and a megabyte in names", map[string]any{"sub": "svc" + hostiletest.Escapes, "client_id": long}, `svc\x1b]0;pwned`},
		{"no sub", map[string]any{"iss": "x"}, "(an actor with no sub) of x acts for the subject"},
	} {
		got := flows.ActDescription(c.act)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q does not say %q", c.name, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > 600 {
			t.Errorf("%s: %d characters", c.name, n)
		}
		if err := hostiletest.Terminal([]byte(got)); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func chain(n int) map[string]any {
	act := map[string]any{"sub": "s1"}
	for i := 2; i <= n; i++ {
		act = map[string]any{"sub": "s" + string(rune('0'+i)), "act": act}
	}
	return act
}
