package hostiletest

import (
	"net/http"
	"strings"

	"github.com/authplay/authplay/flows"
)

// dpopRows are servers that attack a client sending DPoP proofs through
// what RFC 9449 lets them send back: the DPoP-Nonce header, which the
// client puts into its next proof, and the DPoP challenge of a
// WWW-Authenticate header, which it reads for the error code.
func dpopRows() []Row {
	return []Row{
		{
			// An ESC never gets this far (Go's HTTP client refuses the
			// header); a C1 control, a quote and a space do.
			Name: "a DPoP-Nonce that would drive the terminal", Method: flows.ClientCredentials, DPoP: true, Verbose: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("DPoP-Nonce", "n\u009b2J \"quoted\"")
				JSON(w, 400, map[string]any{"error": "use_dpop_nonce", "error_description": "retry with our nonce"})
			},
			Want: Want{Fail: true, Shown: "does not allow in a nonce"},
		},
		{
			Name: "a DPoP-Nonce of a megabyte", Method: flows.ClientCredentials, DPoP: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("DPoP-Nonce", strings.Repeat("n", 1<<20))
				JSON(w, 400, map[string]any{"error": "use_dpop_nonce"})
			},
			Want: Want{Fail: true, Shown: "authplay takes at most 1024"},
		},
		{
			Name: "use_dpop_nonce again and again", Method: flows.ClientCredentials, DPoP: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("DPoP-Nonce", "fresh-"+r.Header.Get("Content-Length"))
				JSON(w, 400, map[string]any{"error": "use_dpop_nonce"})
			},
			Want: Want{Fail: true, Shown: "use_dpop_nonce twice in a row"},
		},
		{
			Name: "a DPoP challenge that would drive the terminal", Method: flows.ClientCredentials, DPoP: true, Verbose: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", "DPoP algs=\"ES256\", error=\"invalid_dpop_proof\", error_description=\"bad \u009b2J proof\"")
				JSON(w, 401, map[string]any{"error": "invalid_dpop_proof", "error_description": "bad proof " + Escapes})
			},
			Want: Want{Fail: true, Shown: EscapesShown},
		},
	}
}
