package flows_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// emulator is a small authorization server with one provider's habits:
// where its endpoints are, and hooks for the quirk a preset's test is
// about. It approves every authorization request at once (the person's
// part is not what these tests are about) and checks what a real server
// checks: the client, PKCE, the redirect URI of the code.
type emulator struct {
	base string // the issuer-ish base URL the emulator answers as
	mu   sync.Mutex
	// codes and refresh tokens, each with the authorization request (or
	// token request) that earned it
	codes, refresh map[string]url.Values
	polls          map[string]int // device code -> polls so far
	// The habits; nil hooks mean the plain RFC behaviour.
	client, secret string
	// refuse gives a reason to refuse an authorization request, shown as
	// the provider's error page instead of a redirect.
	refuse func(q url.Values) string
	// refreshFor says whether a grant earns a refresh token.
	refreshFor func(q url.Values) bool
	// access makes the access token for a grant.
	access    func(q url.Values) string
	expiresIn int  // 0: no expires_in, as GitHub
	rotate    bool // a refresh token is spent by its use
	// write sends a token-endpoint answer (GitHub's form encoding).
	write func(w http.ResponseWriter, r *http.Request, status int, fields map[string]any)
	// pendingStatus is the HTTP status of authorization_pending.
	pendingStatus int
}

const emuClient, emuSecret = "preset-app", "preset-secret"

func newEmulator(base string) *emulator {
	return &emulator{base: base, codes: map[string]url.Values{}, refresh: map[string]url.Values{}, polls: map[string]int{},
		client: emuClient, secret: emuSecret, expiresIn: 3600, pendingStatus: http.StatusBadRequest}
}

// routes mounts the endpoints at the provider's paths (empty: none).
func (e *emulator) routes(mux *http.ServeMux, authorize, token, device string) {
	if authorize != "" {
		mux.HandleFunc("GET "+authorize, e.authorize)
	}
	if token != "" {
		mux.HandleFunc("POST "+token, e.token)
	}
	if device != "" {
		mux.HandleFunc("POST "+device, e.device)
	}
}

func (e *emulator) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != e.client {
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	}
	if e.refuse != nil {
		if why := e.refuse(q); why != "" {
			http.Error(w, why, http.StatusBadRequest)
			return
		}
	}
	code := opaque()
	e.mu.Lock()
	e.codes[code] = q
	e.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (e *emulator) answer(w http.ResponseWriter, r *http.Request, status int, fields map[string]any) {
	if e.write != nil {
		e.write(w, r, status, fields)
		return
	}
	writeJSONBody(w, status, fields)
}

// clientOK accepts the secret in the body or as HTTP Basic, and a public
// client (client_id alone) when PKCE or a device code stands in for it.
func (e *emulator) clientOK(r *http.Request) bool {
	r.ParseForm()
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return id == e.client && (secret == e.secret || secret == "" && !basic)
}

func (e *emulator) token(w http.ResponseWriter, r *http.Request) {
	if !e.clientOK(r) {
		e.answer(w, r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
		return
	}
	f := r.PostForm
	e.mu.Lock()
	defer e.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		q, ok := e.codes[f.Get("code")]
		delete(e.codes, f.Get("code"))
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		switch {
		case !ok:
			e.answer(w, r, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "unknown code"})
		case q.Get("code_challenge") != base64.RawURLEncoding.EncodeToString(sum[:]):
			e.answer(w, r, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "PKCE verifier does not match"})
		case q.Get("redirect_uri") != f.Get("redirect_uri"):
			e.answer(w, r, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "redirect_uri differs"})
		default:
			e.tokens(w, r, q)
		}
	case "refresh_token":
		q, ok := e.refresh[f.Get("refresh_token")]
		if e.rotate {
			delete(e.refresh, f.Get("refresh_token"))
		}
		if !ok {
			e.answer(w, r, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "the refresh token is spent or unknown"})
			return
		}
		e.tokens(w, r, q)
	case "urn:ietf:params:oauth:grant-type:device_code":
		e.polls[f.Get("device_code")]++
		switch n := e.polls[f.Get("device_code")]; {
		case n == 1:
			e.answer(w, r, e.pendingStatus, map[string]any{"error": "authorization_pending"})
		default:
			e.tokens(w, r, url.Values{"scope": {f.Get("scope")}})
		}
	case "client_credentials":
		e.tokens(w, r, f)
	default:
		e.answer(w, r, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
	}
}

// tokens answers with tokens for the grant q; e.mu is held.
func (e *emulator) tokens(w http.ResponseWriter, r *http.Request, q url.Values) {
	at := opaque()
	if e.access != nil {
		at = e.access(q)
	}
	out := map[string]any{"access_token": at, "token_type": "Bearer", "scope": q.Get("scope")}
	if e.expiresIn > 0 {
		out["expires_in"] = e.expiresIn
	}
	if e.refreshFor == nil || e.refreshFor(q) {
		rt := "rt-" + opaque()
		e.refresh[rt] = q
		out["refresh_token"] = rt
	}
	e.answer(w, r, http.StatusOK, out)
}

func (e *emulator) device(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if r.PostForm.Get("client_id") != e.client {
		e.answer(w, r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
		return
	}
	e.answer(w, r, http.StatusOK, map[string]any{"device_code": "dc-" + opaque(), "user_code": "WDJB-MJHT",
		"verification_uri": e.base + "/login/device", "expires_in": 900, "interval": 5})
}

// discovery serves an OpenID Connect discovery document at path.
func discovery(mux *http.ServeMux, path string, doc func() map[string]any) {
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { writeJSONBody(w, 200, doc()) })
}

// formUnlessJSON is GitHub's habit: a token endpoint that answers
// application/x-www-form-urlencoded unless the request asks for JSON, and
// with HTTP 200 even for an error.
func formUnlessJSON(w http.ResponseWriter, r *http.Request, status int, fields map[string]any) {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSONBody(w, status, fields)
		return
	}
	v := url.Values{}
	for k, x := range fields {
		b, _ := json.Marshal(x)
		v.Set(k, strings.Trim(string(b), `"`))
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(v.Encode()))
}

// fakeJWT is a token shaped like a JWT, enough for a test that a provider
// chose a JWT over an opaque string.
func fakeJWT(claims map[string]any) string {
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	return enc(map[string]any{"alg": "RS256", "typ": "JWT", "kid": "k1"}) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte(opaque()))
}
