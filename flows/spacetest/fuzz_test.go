package spacetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

// FuzzTokenEndpoint: whatever the body and Authorization header, the token
// endpoint answers with an OAuth JSON body and never with a 5xx.
func FuzzTokenEndpoint(f *testing.F) {
	f.Add("grant_type=client_credentials&scope=%2A%2A", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=")
	f.Add("grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=")
	f.Add("grant_type=refresh_token&refresh_token=", "")
	f.Add("client_id=demo-public&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=%", "Basic !!!")
	f.Add("grant_type=password&username=demo&password=demo&scope=project%3Akey%3ADEMO%3AX", "Basic ZGVtby1ub3QtaW4tcHJvamVjdDpkZW1vLXNlY3JldA==")
	f.Add("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZW1vLWp3dC1hcHAifQ.", "")
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=e30.e30.e30", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=")
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=x&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=")
	f.Add("client_id=demo-mtls-app&grant_type=client_credentials", "")
	s := spacetest.Start(f)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("HTTP %d for %q", rec.Code, body)
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("not JSON: %q", rec.Body.String())
		}
		if rec.Code != 200 && v["error"] == nil {
			t.Fatalf("HTTP %d without an error code: %v", rec.Code, v)
		}
	})
}

// FuzzDPoPHeader: whatever the DPoP header holds, the token endpoint answers
// with an OAuth JSON error or a token, and never with a 5xx.
func FuzzDPoPHeader(f *testing.F) {
	f.Add(`eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwiY3J2IjoiUC0yNTYiLCJ4IjoiIiwieSI6IiJ9fQ.e30.`)
	f.Add(`eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6Im5vbmUifQ.eyJodG0iOiJQT1NUIn0.`)
	f.Add(`eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjoiYSJ9.e30.e30`)
	f.Add("a.b.c.d.e")
	s := spacetest.Start(f)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, proof string) {
		req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=")
		req.Header.Set("DPoP", proof)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v map[string]any
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &v) != nil || (rec.Code != 200 && v["error"] == nil) {
			t.Fatalf("HTTP %d %q for %q", rec.Code, rec.Body.String(), proof)
		}
	})
}
