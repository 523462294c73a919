package flows

import (
	"regexp"
	"testing"
)

// FuzzOAuthCodeShape holds the hand-written shape check to the regexp it
// replaced (kept here, where compiling it costs no run of authplay).
func FuzzOAuthCodeShape(f *testing.F) {
	shape := regexp.MustCompile(`^[a-z][a-z0-9_-]{2,63}$`)
	for _, s := range []string{"invalid_request", "ab", "abc", "Abc", "a-b", "a b", "", "a\n", "x" + string(make([]byte, 63)), "access_denied-2"} {
		f.Add(s)
	}
	long := []byte("a")
	for range 63 {
		long = append(long, 'z')
	}
	f.Add(string(long))
	f.Add(string(long) + "z")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := oauthCode(s), shape.MatchString(s); got != want {
			t.Fatalf("oauthCode(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}
