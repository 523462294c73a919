package loopback_test

import (
	"testing"

	"github.com/authplay/authplay/flows/loopback"
)

// A parser must return a value or an error for any input: never panic,
// never hang, never echo a huge input back whole.

func FuzzParseRedirectURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:53682/callback?code=abc&state=xyz",
		"http://127.0.0.1/cb#access_token=t&token_type=bearer&state=s",
		"code=abc&state=xyz", "http://x/?error=access_denied", "%zz", "#", "?", "http://[::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := loopback.ParseRedirectURL(s)
		if err == nil && !q.Has("code") && !q.Has("access_token") && !q.Has("error") {
			t.Fatalf("accepted %q without code, token or error", s)
		}
	})
}
