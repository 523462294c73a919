package wire

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RedirectRefusedError is a redirect authplay would not follow: the request
// carried credentials, and the redirect pointed to another origin, where a
// client secret, a password or a token must never go.
type RedirectRefusedError struct {
	From, To string
	Status   int
}

func (e *RedirectRefusedError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d, redirecting to %s, another origin; authplay did not follow it, because the request carries credentials (client secret, password, code or token) meant for %s only",
		e.From, e.Status, e.To, Origin(e.From))
}

type followKey struct{}

// MayFollow marks a request that carries no credential (a discovery
// document, a key set), whose redirects may lead to another origin.
func MayFollow(ctx context.Context) context.Context { return context.WithValue(ctx, followKey{}, true) }

// sameOriginRedirects wraps a client's redirect policy: every request is
// taken to carry credentials unless marked with MayFollow, and such a
// request follows a redirect only within its own origin (scheme, host and
// port), as RFC 9700 §4.11 advises against open redirects.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	if next == nil {
		next = limitRedirects
	}
	return func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if follow, _ := first.Context().Value(followKey{}).(bool); !follow && Origin(req.URL.String()) != Origin(first.URL.String()) {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return &RedirectRefusedError{From: redactURL(via[len(via)-1].URL), To: redactURL(req.URL), Status: status}
		}
		return next(req, via)
	}
}

// Origin is scheme://host:port, with the default port made explicit.
func Origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
