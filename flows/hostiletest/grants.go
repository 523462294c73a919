package hostiletest

import (
	"net/http"

	"github.com/go-jose/go-jose/v4"
)

// SubjectToken is the token every row's client exchanges (token exchange
// rows); it must never reach the second host or be printed whole.
const SubjectToken = "subject-token-never-leaves-0123456789"

const tokenTypeAccess = "urn:ietf:params:oauth:token-type:access_token"

// exchangeAnswer answers a token exchange with the token and the
// issued_token_type given, and serves the key set that verifies the token.
func exchangeAnswer(token func(s *Servers) string, issued string) func(*Servers, http.ResponseWriter, *http.Request) {
	return func(s *Servers, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			JSON(w, 200, map[string]any{"access_token": token(s), "token_type": "Bearer", "expires_in": 600, "issued_token_type": issued})
		case "/jwks":
			goodKeys(w, r)
		default:
			http.NotFound(w, r)
		}
	}
}

// actToken is a signed access token whose act claim is act.
func actToken(s *Servers, act any) string {
	c := claims(s)
	c["act"] = act
	return Sign(jose.RS256, "hostile-key", c)
}

// deepAct nests n actors, each the one before the next.
func deepAct(n int) map[string]any {
	act := map[string]any{"sub": "first"}
	for range n - 1 {
		act = map[string]any{"sub": "svc", "act": act}
	}
	return act
}
