package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// APIRequest is a call made with the token.
type APIRequest struct {
	Method string
	Path   string // absolute URL, or relative to the provider's API base
	Header http.Header
	Body   string
}

// APIResponse is what came back, with the body pretty-printed when JSON.
type APIResponse struct {
	Status   int
	Header   http.Header
	Body     string
	Exchange wire.Exchange
	Error    *OAuthError // a Space API error, when the body is one
}

// DefaultTestCall is the request that best shows what a token can do.
func DefaultTestCall(p Provider, m Method) APIRequest {
	switch {
	case p.Kind == KindSpace || p.Builtin:
		if m == ClientCredentials {
			return APIRequest{Method: http.MethodGet, Path: "/applications/me"}
		}
		return APIRequest{Method: http.MethodGet, Path: "/team-directory/profiles/me?$fields=id,username,name(firstName,lastName)"}
	case p.UserinfoURL != "" && m != ClientCredentials:
		return APIRequest{Method: http.MethodGet, Path: p.UserinfoURL}
	}
	return APIRequest{Method: http.MethodGet, Path: p.APIBase}
}

// ResolveAPIURL joins a relative path to the API base.
func ResolveAPIURL(p Provider, path string) (string, error) {
	path = strings.TrimSpace(path)
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		_, err := ValidateURL("API URL", path)
		return path, err
	}
	if p.APIBase == "" {
		return "", fmt.Errorf("the provider has no API base URL; give a full https:// URL")
	}
	return strings.TrimRight(p.APIBase, "/") + "/" + strings.TrimLeft(path, "/"), nil
}

// CallAPI sends req with the access token as a Bearer token (RFC 6750 §2.1).
func CallAPI(ctx context.Context, env Env, p Provider, token Secret, req APIRequest) (APIResponse, error) {
	target, err := ResolveAPIURL(p, req.Path)
	if err != nil {
		return APIResponse{}, err
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return APIResponse{}, err
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	hr.Header.Set("Authorization", "Bearer "+token.Reveal())
	if hr.Header.Get("Accept") == "" {
		hr.Header.Set("Accept", "application/json")
	}
	if req.Body != "" && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	c, rec := env.record()
	resp, err := c.Do(hr)
	ex := rec.Exchanges()
	out := APIResponse{}
	if len(ex) > 0 {
		out.Exchange = ex[len(ex)-1]
	}
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out.Status, out.Header, out.Body = resp.StatusCode, resp.Header, termsafe.Block(prettyBody(raw))
	if resp.StatusCode >= 400 {
		var e OAuthError
		if json.Unmarshal(raw, &e) == nil && e.Code != "" {
			out.Error = serverError(e.Code, e.Description, e.URI, resp.StatusCode)
		}
	}
	return out, nil
}

func prettyBody(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) == nil {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	}
	return wire.Clip(string(raw))
}

// FetchJWKS gets the provider's key set for signature checks.
func FetchJWKS(ctx context.Context, env Env, jwksURL string) (keys []byte, ex []wire.Exchange, err error) {
	if jwksURL == "" {
		return nil, nil, fmt.Errorf("no key set URL is known")
	}
	c, rec := env.record()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(wire.MayFollow(ctx), http.MethodGet, jwksURL, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, rec.Exchanges(), err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, rec.Exchanges(), fmt.Errorf("%s answered HTTP %d", jwksURL, resp.StatusCode)
	}
	return b, rec.Exchanges(), nil
}

// Introspect asks the server about a token (RFC 7662).
func Introspect(ctx context.Context, env Env, st State, creds Credentials, token Secret) (map[string]any, []wire.Exchange, error) {
	return tokenEndpointCall(ctx, env, st, creds, st.Params.Provider.IntrospectURL, "introspection URL", url.Values{"token": {token.Reveal()}})
}

// Revoke asks the server to revoke a token (RFC 7009).
func Revoke(ctx context.Context, env Env, st State, creds Credentials, token Secret, hint string) ([]wire.Exchange, error) {
	form := url.Values{"token": {token.Reveal()}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	_, ex, err := tokenEndpointCall(ctx, env, st, creds, st.Params.Provider.RevokeURL, "revocation URL", form)
	return ex, err
}

func tokenEndpointCall(ctx context.Context, env Env, st State, creds Credentials, endpoint, name string, form url.Values) (map[string]any, []wire.Exchange, error) {
	if err := requireURL(name, endpoint); err != nil {
		return nil, nil, err
	}
	b := base{st: st, creds: creds}
	c, rec := env.record()
	ct, body, err := outcome(rec, b.postForm(ctx, c, endpoint, form))
	if err != nil {
		return nil, rec.Exchanges(), err
	}
	if len(body) == 0 {
		return map[string]any{}, rec.Exchanges(), nil
	}
	fields, err := decodeFields(ct, body)
	return fields, rec.Exchanges(), err
}
