package spacetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so a test sees each page and each Location as a person's browser would.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	body     string
	location *url.URL
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(body)}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.location, _ = url.Parse(loc)
	}
	return p
}

func (b *browser) get(u string) page {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) page {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var hiddenField = regexp.MustCompile(`name="(request|csrf)" value="([^"]+)"`)

// formFields reads the hidden fields of the sign-in or consent form.
func formFields(t *testing.T, p page) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(p.body, -1) {
		v.Set(m[1], m[2])
	}
	if v.Get("request") == "" {
		t.Fatalf("no form on the page (HTTP %d):\n%s", p.status, p.body)
	}
	return v
}

// authorize walks the sign-in and consent pages and returns where the
// server sent the browser.
func (b *browser) authorize(s *spacetest.Server, q url.Values, user, pass, decision string) *url.URL {
	b.t.Helper()
	p := b.get(s.URL + "/oauth/auth?" + q.Encode())
	if p.location != nil {
		return p.location
	}
	if strings.Contains(p.body, `id="login"`) {
		f := formFields(b.t, p)
		f.Set("username", user)
		f.Set("password", pass)
		p = b.post(s.URL+"/oauth/login", f)
	}
	f := formFields(b.t, p)
	f.Set("decision", decision)
	p = b.post(s.URL+"/oauth/consent", f)
	if p.status != http.StatusFound || p.location == nil {
		b.t.Fatalf("consent answered %d:\n%s", p.status, p.body)
	}
	return p.location
}

func decode(t *testing.T, r io.Reader) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
