package wire

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// credentialFields are form and query fields that carry a secret: sending
// one over plain http to another machine deserves a warning.
var credentialFields = []string{"client_secret", "password", "client_assertion", "code", "code_verifier", "refresh_token", "device_code", "token", "assertion", "subject_token", "actor_token"}

func carriesCredential(req *http.Request, body []byte) bool {
	if req.Header.Get("Authorization") != "" || req.Header.Get("DPoP") != "" {
		return true
	}
	if strings.Contains(strings.ToLower(req.Header.Get("Content-Type")), "x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(body)); err == nil {
			for _, k := range credentialFields {
				if q.Get(k) != "" {
					return true
				}
			}
		}
	}
	return false
}

// IsLoopback reports whether host (a name or an address, without a port)
// is this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrPlainHTTP refuses, under --strict, to send credentials over plain http
// to another machine.
var ErrPlainHTTP = errors.New("refused to send credentials over plain http to another machine (--strict); use the server's https address")

func plainHTTPWarning(u *url.URL) string {
	return "This request carried a credential over plain http to " + u.Host + ": anyone on the network between here and there can read it and use it. Use https for any server that is not on this machine."
}
