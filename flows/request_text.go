package flows

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Text writes the request for a person to edit: the request line, the
// headers, a blank line, and the body, a form one key=value a line with
// the values as they read (not %-encoded). Secrets are in it as they are
// sent: it is shown only to a person who asked to edit the request.
func (r Request) Text() string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.URL + "\n")
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	if r.Form != nil {
		keys = keys[:0]
		for k := range r.Form {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range r.Form[k] {
				b.WriteString(k + "=" + v + "\n")
			}
		}
	} else {
		b.WriteString(r.Body)
	}
	return strings.TrimRight(b.String(), "\n")
}

// ParseRequestText reads a request a person edited (Text's format) back
// into a Request for the same purpose: any parameter or header may have
// been changed, added or removed. A form body stays a form: one key=value
// a line, as Text wrote it.
func ParseRequestText(was Request, text string) (Request, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	method, target, ok := strings.Cut(strings.TrimSpace(lines[0]), " ")
	if !ok || method == "" || strings.ContainsAny(method, " \t") {
		return Request{}, errors.New(`the first line must be "METHOD URL", e.g. "POST https://…/token"`)
	}
	target = strings.TrimSpace(target)
	if _, err := url.ParseRequestURI(target); err != nil {
		return Request{}, fmt.Errorf("the URL on the first line does not parse: %v", unwrapURLError(err))
	}
	r := Request{Purpose: was.Purpose, Method: strings.ToUpper(method), URL: target, Header: http.Header{}, Browser: was.Browser}
	i := 1
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		k, v, ok := strings.Cut(lines[i], ":")
		if !ok || strings.TrimSpace(k) == "" {
			return Request{}, fmt.Errorf("line %d is not a header (Name: value); leave a blank line before the body", i+1)
		}
		r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	body := lines[min(i+1, len(lines)):]
	if was.Form != nil || strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "x-www-form-urlencoded") {
		r.Form = url.Values{}
		for n, l := range body {
			if strings.TrimSpace(l) == "" {
				continue
			}
			k, v, ok := strings.Cut(l, "=")
			if !ok || k == "" {
				return Request{}, fmt.Errorf("body line %d is not key=value", n+1)
			}
			r.Form.Add(k, v)
		}
		return r, nil
	}
	r.Body = strings.Join(body, "\n")
	return r, nil
}
