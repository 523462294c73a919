package spacetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

type tokenReply struct {
	status int
	header http.Header
	body   map[string]any
}

func postToken(t *testing.T, s *spacetest.Server, user, pass string, form url.Values) tokenReply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("not JSON (%d): %s", resp.StatusCode, raw)
	}
	return tokenReply{resp.StatusCode, resp.Header, body}
}

func TestTokenEndpointErrors(t *testing.T) {
	s := spacetest.Start(t)
	cc := url.Values{"grant_type": {"client_credentials"}, "scope": {"**"}}
	cases := []struct {
		name, user, pass string
		form             url.Values
		status           int
		code             string
	}{
		{"wrong secret", spacetest.DemoClientID, "nope", cc, 401, "invalid_client"},
		{"unknown client", "ghost", "x", cc, 401, "invalid_client"},
		{"no credentials", "", "", cc, 401, "invalid_client"},
		{"basic and different body credentials", spacetest.DemoClientID, spacetest.DemoClientSecret,
			url.Values{"grant_type": {"client_credentials"}, "client_id": {"other"}, "client_secret": {"x"}}, 400, "invalid_request"},
		{"unknown grant", spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"magic"}}, 400, "unsupported_grant_type"},
		{"duplicate parameter", spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"**", "**"}}, 400, "invalid_request"},
		{"code flow off", spacetest.DemoNoCodeFlowID, spacetest.DemoMistakeSecret, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, 400, "unauthorized_client"},
		{"rights pending", spacetest.DemoPendingRightsID, spacetest.DemoMistakeSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"global:Profile.View"}}, 400, "invalid_scope"},
		{"not in project", spacetest.DemoNotInProjectID, spacetest.DemoMistakeSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"project:key:DEMO:Project.Issues.View"}}, 400, "invalid_scope"},
		{"unknown code", spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {"http://127.0.0.1/callback"}}, 400, "invalid_grant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := postToken(t, s, c.user, c.pass, c.form)
			if r.status != c.status || r.body["error"] != c.code {
				t.Fatalf("got %d %v, want %d %s", r.status, r.body, c.status, c.code)
			}
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestBodyOverOneMiB(t *testing.T) {
	s := spacetest.Start(t)
	big := url.Values{"grant_type": {"client_credentials"}, "pad": {strings.Repeat("a", 2<<20)}}
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, big)
	if r.status != 400 || r.body["error"] != "invalid_request" {
		t.Fatalf("%d %v", r.status, r.body)
	}
}

func TestAuthorizeRefusesUnregisteredRedirectWithAPage(t *testing.T) {
	s := spacetest.Start(t)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {spacetest.DemoClientID}, "redirect_uri": {"https://evil.example/cb"}, "state": {"s"}}
	resp, err := c.Get(s.URL + "/oauth/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(string(body), "unauthorized_client") {
		t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q.Set("redirect_uri", "http://127.0.0.1:5555/callback")
	q.Set("scope", "global:Nope.Never")
	q.Set("client_id", spacetest.DemoPendingRightsID)
	resp, err = c.Get(s.URL + "/oauth/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("error") != "invalid_scope" || loc.Query().Get("state") != "s" {
		t.Fatalf("%d %s", resp.StatusCode, loc)
	}
}

func TestAPIRefusesAppTokenForUserResource(t *testing.T) {
	s := spacetest.Start(t)
	r := postToken(t, s, spacetest.DemoClientID, spacetest.DemoClientSecret, url.Values{"grant_type": {"client_credentials"}})
	at, _ := r.body["access_token"].(string)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/http/team-directory/profiles/me", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 403 || body["error"] != "permission-denied" || !strings.Contains(body["error_description"], "user") {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
}

func jsonDecode(r *http.Response, v any) error {
	defer r.Body.Close()
	return json.NewDecoder(r.Body).Decode(v)
}
