package oidctest

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// authorize checks the request as a strict OIDC server does and answers
// at once for alice, in the response mode asked for (OIDC Core §3,
// OAuth 2.0 Multiple Response Types, Form Post Response Mode).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || back.Scheme != "http" || back.Hostname() != "127.0.0.1":
		http.Error(w, "redirect_uri must be an http://127.0.0.1 loopback address", http.StatusBadRequest)
		return
	}
	rt := q.Get("response_type")
	modes := s.responseModes()
	mode := q.Get("response_mode")
	// An error goes back the way asked when the server can, else the way
	// it can (a form_post-only server posts its refusals too).
	errMode := mode
	if !slices.Contains(modes, errMode) {
		errMode = defaultMode(rt)
		if !slices.Contains(modes, errMode) {
			errMode = modes[0]
		}
	}
	fail := func(code, desc string) {
		s.respond(w, r, back, errMode, q.Get("state"), url.Values{"error": {code}, "error_description": {desc}})
	}
	switch {
	case !slices.ContainsFunc(s.responseTypes(), func(t string) bool { return sameWords(t, rt) }):
		fail("unsupported_response_type", "response_type "+strconv.Quote(rt)+" is not one of "+strings.Join(s.responseTypes(), ", "))
		return
	case mode == "" && !slices.Contains(modes, defaultMode(rt)):
		fail("invalid_request", "this server answers only by response_mode "+strings.Join(modes, ", ")+": send it")
		return
	case mode != "" && !slices.Contains(modes, mode):
		fail("invalid_request", "response_mode "+strconv.Quote(mode)+" is not supported")
		return
	case strings.Contains(rt, "token") && mode == "query":
		fail("invalid_request", "tokens never travel in a query")
		return
	case strings.Contains(rt, "id_token") && q.Get("nonce") == "":
		fail("invalid_request", "nonce is required when an ID token comes from the authorization endpoint")
		return
	case strings.Contains(rt, "id_token") && !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "an ID token needs the openid scope")
		return
	}
	if mode == "" {
		mode = defaultMode(rt)
	}
	words := strings.Fields(rt)
	out := url.Values{}
	idClaims := map[string]any{}
	if slices.Contains(words, "code") {
		code := opaque("code-")
		s.mu.Lock()
		s.codes[code] = &grant{redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), scope: q.Get("scope")}
		s.mu.Unlock()
		out.Set("code", code)
		idClaims["c_hash"] = halfHash(code)
		if s.cfg.WrongCHash {
			idClaims["c_hash"] = halfHash("another code")
		}
	}
	if slices.Contains(words, "token") {
		at := opaque("at-")
		out.Set("access_token", at)
		out.Set("token_type", "Bearer")
		out.Set("expires_in", "600")
		idClaims["at_hash"] = halfHash(at)
	}
	if slices.Contains(words, "id_token") {
		idClaims["s_hash"] = halfHash(q.Get("state"))
		out.Set("id_token", s.idToken(s.signInNonce(q.Get("nonce")), idClaims))
	}
	s.respond(w, r, back, mode, q.Get("state"), out)
}

// defaultMode is where an answer goes when no mode is named: a code alone
// in the query, anything with a token in the fragment.
func defaultMode(rt string) string {
	if rt == "code" {
		return "query"
	}
	return "fragment"
}

// respond sends the answer back the way mode says, with the state and,
// when asked, the issuer (RFC 9207).
func (s *Server) respond(w http.ResponseWriter, r *http.Request, back *url.URL, mode, state string, params url.Values) {
	if state != "" {
		params.Set("state", state)
	}
	switch {
	case s.cfg.WrongIss != "":
		params.Set("iss", s.cfg.WrongIss)
	case s.cfg.Iss:
		params.Set("iss", s.URL)
	}
	switch mode {
	case "form_post":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		formPostPage.Execute(w, map[string]any{"Action": back.String(), "Params": params}) //nolint:errcheck
	case "fragment":
		u := *back
		u.Fragment = ""
		http.Redirect(w, r, u.String()+"#"+params.Encode(), http.StatusFound)
	default:
		u := *back
		bq := u.Query()
		for k, vs := range params {
			bq[k] = vs
		}
		u.RawQuery = bq.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
}

// formPostPage is the Form Post Response Mode's page: a form of hidden
// fields that the page submits to the redirect URI as soon as it loads.
var formPostPage = template.Must(template.New("fp").Parse(`<!doctype html><html><head><meta charset="utf-8"><title>Submitting</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="{{.Action}}">{{range $k, $vs := .Params}}{{range $vs}}
<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`))

// halfHash is at_hash, c_hash and s_hash for ES256: the left half of the
// SHA-256 of the value (OIDC Core §3.3.2.11).
func halfHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
