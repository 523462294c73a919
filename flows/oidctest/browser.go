package oidctest

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Browse plays a person's browser from the authorization URL to where the
// answer lands (authplay's listener), doing what a browser does and no
// more: it follows redirects; a fragment it keeps to itself, loads the
// page without it and posts it as authplay's relay page's script does; a
// form_post page it submits as the page's onload does. It returns the last
// answer's status and body.
func Browse(authURL string) (int, string, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := authURL
	for range 6 {
		status, loc, body, err := get(c, next)
		if err != nil {
			return 0, "", err
		}
		switch {
		case status >= 300 && status < 400:
			to, err := resolve(next, loc)
			if err != nil {
				return 0, "", err
			}
			base, frag, ok := strings.Cut(to, "#")
			if !ok {
				next = to
				continue
			}
			// A fragment never reaches a server: the page at base reads
			// it and posts it back to where it came from.
			if st, _, page, err := get(c, base); err != nil || st != http.StatusOK || !strings.Contains(page, "location.hash") {
				return st, page, fmt.Errorf("the page at %s is not a relay page for the fragment (HTTP %d, %v)", base, st, err)
			}
			return send(c, http.MethodPost, base, "text/plain", frag)
		case status == http.StatusOK && formPostAction.MatchString(body):
			action, fields, err := readFormPost(body)
			if err != nil {
				return status, body, err
			}
			return send(c, http.MethodPost, action, "application/x-www-form-urlencoded", fields.Encode())
		default:
			return status, body, nil
		}
	}
	return 0, "", errors.New("too many redirects")
}

var (
	formPostAction = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenInput    = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// readFormPost reads a form_post page's target and fields.
func readFormPost(page string) (string, url.Values, error) {
	m := formPostAction.FindStringSubmatch(page)
	if m == nil {
		return "", nil, errors.New("no form on the page")
	}
	fields := url.Values{}
	for _, in := range hiddenInput.FindAllStringSubmatch(page, -1) {
		fields.Add(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	return html.UnescapeString(m[1]), fields, nil
}

func get(c *http.Client, u string) (status int, location, body string, err error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Location"), string(b), err
}

func send(c *http.Client, method, u, contentType, body string) (int, string, error) {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), err
}

func resolve(from, loc string) (string, error) {
	base, err := url.Parse(from)
	if err != nil {
		return "", err
	}
	to, err := base.Parse(loc)
	if err != nil {
		return "", err
	}
	return to.String(), nil
}
