package flows_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

// A request written out for a person to edit reads back the same, and an
// edit (a parameter removed, a header added) comes back as made.
func TestRequestTextRoundTrips(t *testing.T) {
	req := flows.Request{Purpose: flows.PurposeToken, Method: "POST", URL: "http://127.0.0.1:9090/oauth/token",
		Header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic ZGVtbzpz"}},
		Form:   url.Values{"grant_type": {"authorization_code"}, "code": {"spc-abc"}, "code_verifier": {"v3rif/er+=x"}, "redirect_uri": {"http://127.0.0.1:5/cb?x=1"}}}
	back, err := flows.ParseRequestText(req, req.Text())
	if err != nil || back.Text() != req.Text() || back.Form.Get("code_verifier") != "v3rif/er+=x" {
		t.Fatalf("%v\n%s\n---\n%s", err, req.Text(), back.Text())
	}
	edited := strings.Replace(req.Text(), "code_verifier=v3rif/er+=x\n", "", 1)
	edited = strings.Replace(edited, "Content-Type:", "X-Lab: 1\nContent-Type:", 1)
	back, err = flows.ParseRequestText(req, edited)
	if err != nil || back.Form.Has("code_verifier") || back.Header.Get("X-Lab") != "1" || back.Form.Get("code") != "spc-abc" {
		t.Fatalf("%v %+v", err, back)
	}
	for _, bad := range []string{"", "POST", "POST ::not a url", "POST http://x/\nno colon here\n\nk=v", "POST http://x/\nContent-Type: application/x-www-form-urlencoded\n\n=v"} {
		if _, err := flows.ParseRequestText(req, bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzParseRequestText: whatever a person types, parsing ends with a
// request or a clear error, and a parsed request writes out and parses
// back to itself.
func FuzzParseRequestText(f *testing.F) {
	f.Add("POST http://x/t\nA: b\n\nk=v\n")
	f.Add("GET http://x/api\n\n{\"a\":1}")
	f.Fuzz(func(t *testing.T, text string) {
		was := flows.Request{Method: "POST", Form: url.Values{}}
		r, err := flows.ParseRequestText(was, text)
		if err != nil {
			return
		}
		again, err := flows.ParseRequestText(was, r.Text())
		if err != nil || again.Text() != r.Text() {
			t.Fatalf("%q -> %q -> %v %q", text, r.Text(), err, again.Text())
		}
	})
}
