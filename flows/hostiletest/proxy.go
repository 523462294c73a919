package hostiletest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/wire"
)

// Proxy is a forward HTTP proxy that sends every request to target,
// whatever host it names: a URL can then name a machine that is not this
// one (http://idp.example.test/token) while the bytes stay on loopback.
// Hits counts what passed through it.
type Proxy struct {
	*httptest.Server
	Hits atomic.Int64
}

// NewProxy runs a proxy to target for the test's lifetime.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p := &Proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Hits.Add(1)
		u, _ := url.Parse(target)
		r.URL.Scheme, r.URL.Host, r.RequestURI = u.Scheme, u.Host, ""
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body) //nolint:errcheck
	}))
	tb.Cleanup(p.Close)
	return p
}

// Client is authplay's HTTP client, sending everything through the proxy.
func (p *Proxy) Client() *http.Client {
	pu, _ := url.Parse(p.URL)
	c := wire.NewClient(5 * time.Second)
	c.Transport.(*http.Transport).Proxy = http.ProxyURL(pu)
	return c
}
