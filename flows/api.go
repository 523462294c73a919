package flows

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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

// OfferedCalls are the calls worth trying with a token of this method, the
// best first: Space's own "who am I" endpoints, OIDC's userinfo, the API
// base. A person may change any of them before it is sent.
func OfferedCalls(p Provider, m Method) []APIRequest {
	out := []APIRequest{DefaultTestCall(p, m)}
	add := func(c APIRequest) {
		for _, have := range out {
			if have.Method == c.Method && have.Path == c.Path {
				return
			}
		}
		if c.Path != "" {
			out = append(out, c)
		}
	}
	if p.SpaceLike() {
		add(APIRequest{Method: http.MethodGet, Path: "/team-directory/profiles/me?$fields=id,username,name(firstName,lastName)"})
		add(APIRequest{Method: http.MethodGet, Path: "/applications/me"})
	}
	if p.UserinfoURL != "" {
		add(APIRequest{Method: http.MethodGet, Path: p.UserinfoURL})
	}
	add(APIRequest{Method: http.MethodGet, Path: p.APIBase})
	return out
}

// ResolveAPIURL joins a relative path to the API base.
func ResolveAPIURL(p Provider, path string) (string, error) {
	path = strings.TrimSpace(path)
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		if _, err := ValidateURL("API URL", path); err != nil {
			return path, &settingError{msg: err.Error()}
		}
		return path, nil
	}
	if p.APIBase == "" {
		return "", settingMissing("the provider has no API base URL; give a full https:// URL")
	}
	return strings.TrimRight(p.APIBase, "/") + "/" + strings.TrimLeft(path, "/"), nil
}

// apiRequest builds a call with the access token as a Bearer token
// (RFC 6750 §2.1).
func apiRequest(p Provider, token Secret, call APIRequest) (Request, error) {
	target, err := ResolveAPIURL(p, call.Path)
	if err != nil {
		return Request{}, err
	}
	req := Request{Purpose: PurposeAPI, Method: cmp.Or(call.Method, http.MethodGet), URL: target, Body: call.Body, Header: http.Header{}}
	for k, vs := range call.Header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	req.Header.Set("Authorization", "Bearer "+token.Reveal())
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if call.Body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent())
	}
	return req, nil
}

// CallAPI sends call with the access token as a Bearer token (RFC 6750
// §2.1) outside any machine: a brought token's test, Space's public keys.
func CallAPI(ctx context.Context, env Env, p Provider, token Secret, call APIRequest) (APIResponse, error) {
	req, err := apiRequest(p, token, call)
	if err != nil {
		return APIResponse{}, err
	}
	return (&base{}).callRequest(ctx, env, req)
}

// callRequest sends an API request and reads its answer.
func (b *base) callRequest(ctx context.Context, env Env, req Request) (APIResponse, error) {
	rec, err := b.send(ctx, env, Input{}, req)
	ex := rec.Exchanges()
	out := APIResponse{}
	if len(ex) > 0 {
		out.Exchange = ex[len(ex)-1]
	}
	if err != nil {
		return out, err
	}
	_, raw, _ := outcome(rec, nil)
	resp := out.Exchange.Response
	out.Status, out.Header, out.Body = resp.Status, http.Header(resp.Header), termsafe.Block(prettyBody(raw))
	if resp.Status >= 400 {
		var e OAuthError
		if json.Unmarshal(raw, &e) == nil && e.Code != "" {
			out.Error = serverError(e.Code, e.Description, e.URI, resp.Status)
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
func FetchJWKS(ctx context.Context, env Env, p Provider) (keys []byte, ex []wire.Exchange, err error) {
	jwksURL := p.JWKSURL
	if jwksURL == "" {
		return nil, nil, fmt.Errorf("no key set URL is known")
	}
	c, rec, err := env.record(p)
	if err != nil {
		return nil, nil, err
	}
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
