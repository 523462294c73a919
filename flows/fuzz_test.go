package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
)

// Parsers must return a value or an error for any input: never panic, never
// hang, never echo a huge input back whole.

func FuzzParseTokenResponse(f *testing.F) {
	f.Add("application/json", `{"access_token":"a","token_type":"Bearer","expires_in":600}`)
	f.Add("application/json", `{"access_token":"a","token_type":"bearer","expires_in":"60"}`)
	f.Add("application/x-www-form-urlencoded", "access_token=a&token_type=bearer")
	f.Add("text/html", "<html></html>")
	f.Add("", `{"error":"invalid_grant"}`)
	f.Add("application/json", `{"access_token":1}`)
	f.Fuzz(func(t *testing.T, ct, body string) {
		tok, err := flows.ParseTokenResponse(ct, []byte(body), time.Unix(1e9, 0))
		if err == nil && (tok.AccessToken == "" || (tok.TokenType != "Bearer" && tok.TokenType != "DPoP")) {
			t.Fatalf("accepted %q as %+v", body, tok)
		}
		if err != nil && len(err.Error()) > 600 {
			t.Fatalf("error echoes the input: %d bytes", len(err.Error()))
		}
	})
}

func FuzzDecodeJWT(f *testing.F) {
	f.Add("eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiJ4In0.c2ln")
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("....")
	f.Fuzz(func(t *testing.T, s string) {
		j, err := jwtcheck.Decode(s)
		if err == nil {
			if j.Alg() == "" {
				t.Fatal("decoded without alg")
			}
			j.Audience()
			j.Time("exp")
			flows.CheckAccessToken(s, flows.CheckInput{Now: time.Unix(1e9, 0), Issuer: "x"})
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(`{"issuer":"https://x","token_endpoint":"https://x/t","authorization_endpoint":"https://x/a"}`)
	f.Add(`{"token_endpoint":"javascript:alert(1)"}`)
	f.Add(`{"grant_types_supported":"password"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		md, err := flows.ParseMetadata([]byte(s))
		if err == nil && md.TokenEndpoint != "" && !strings.HasPrefix(md.TokenEndpoint, "http") {
			t.Fatalf("accepted token_endpoint %q", md.TokenEndpoint)
		}
	})
}

func FuzzParseDeviceResponse(f *testing.F) {
	f.Add(`{"device_code":"d","user_code":"U","verification_uri":"https://x/d","expires_in":600,"interval":5}`)
	f.Add(`{"device_code":"d","user_code":"U","verification_url":"https://x/d","expires_in":"600"}`)
	f.Add(`{"expires_in":-1}`)
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := flows.ParseDeviceResponse([]byte(s), time.Unix(1e9, 0))
		if err == nil && (ds.DeviceCode == "" || ds.UserCode == "" || ds.Interval <= 0 || !ds.Expires.After(time.Unix(1e9, 0))) {
			t.Fatalf("accepted %q as %+v", s, ds)
		}
	})
}
