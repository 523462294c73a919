package wire

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Version is reported in the User-Agent; main sets it at build time.
var Version = "dev"

// MaxBody is the most authplay reads of any response: a token response is a
// few kilobytes, so anything near this is a misconfigured endpoint.
const MaxBody = 1 << 20

// ErrBodyTooLarge is returned when a response exceeds MaxBody.
var ErrBodyTooLarge = errors.New("the response is larger than 1 MiB, far more than any OAuth response; is this the right endpoint?")

// NewClient returns a client with the timeouts a person at a terminal
// expects: a server that does not answer fails within the overall timeout.
func NewClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       60 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: limitRedirects}
}

func limitRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("stopped after %d redirects (last to %s): the endpoint redirects in a loop", len(via), req.URL.Redacted())
	}
	return nil
}
