package oidctest

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// token is the token endpoint: authorization_code (PKCE S256 when a
// challenge was sent), password, refresh_token and client_credentials,
// for the one confidential client, by Basic or in the body.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.client(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	f := r.PostForm
	switch f.Get("grant_type") {
	case "authorization_code":
		s.mu.Lock()
		g := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // one use
		s.mu.Unlock()
		switch {
		case g == nil:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
		case g.redirectURI != f.Get("redirect_uri"):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
		case g.challenge != "" && s256(f.Get("code_verifier")) != g.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
		default:
			s.tokens(w, g, s.signInNonce(g.nonce), true)
		}
	case "password":
		if f.Get("username") != Username || f.Get("password") != Password {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "wrong username or password")
			return
		}
		s.tokens(w, &grant{scope: f.Get("scope")}, "", true)
	case "refresh_token":
		s.mu.Lock()
		g := s.refresh[f.Get("refresh_token")]
		s.mu.Unlock()
		if g == nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown refresh token")
			return
		}
		nonce := ""
		switch s.cfg.RefreshNonce {
		case "same":
			nonce = g.nonce
		case "other":
			nonce = "another-sign-in"
		}
		s.tokens(w, g, nonce, false)
	case "client_credentials":
		writeJSON(w, http.StatusOK, map[string]any{"access_token": opaque("at-"), "token_type": "Bearer", "expires_in": 600})
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+f.Get("grant_type")+" is not supported")
	}
}

// tokens answers with an access token, an ID token when openid was asked
// for, and a refresh token for a new grant.
func (s *Server) tokens(w http.ResponseWriter, g *grant, nonce string, newGrant bool) {
	at := opaque("at-")
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 600}
	if newGrant {
		rt := opaque("rt-")
		s.mu.Lock()
		s.refresh[rt] = g
		s.mu.Unlock()
		resp["refresh_token"] = rt
	}
	if slices.Contains(strings.Fields(g.scope), "openid") {
		resp["id_token"] = s.idToken(nonce, map[string]any{"at_hash": halfHash(at)})
	}
	writeJSON(w, http.StatusOK, resp)
}

// client checks client_secret_basic (each part form-encoded, RFC 6749
// §2.3.1) or client_secret_post.
func (s *Server) client(r *http.Request) bool {
	if id, secret, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		return id == ClientID && secret == ClientSecret
	}
	return r.PostForm.Get("client_id") == ClientID && r.PostForm.Get("client_secret") == ClientSecret
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
