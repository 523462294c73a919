package flows

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// ProviderKind says how the endpoints were found.
type ProviderKind string

const (
	KindSpace     ProviderKind = "space"     // a JetBrains Space service URL
	KindEndpoints ProviderKind = "endpoints" // endpoints typed in
	KindDiscovery ProviderKind = "discovery" // read from the issuer's metadata
)

// Provider is an authorization server and the API behind it.
type Provider struct {
	Name string       `json:"name"`
	Kind ProviderKind `json:"kind"`
	// Family is whose habits apply (FamilyOf gives it a default from Kind).
	Family        Family `json:"family,omitempty"`
	ServiceURL    string `json:"service_url,omitempty"` // Space, or the issuer for discovery
	Issuer        string `json:"issuer,omitempty"`
	AuthURL       string `json:"auth_url,omitempty"`
	TokenURL      string `json:"token_url,omitempty"`
	DeviceURL     string `json:"device_url,omitempty"`
	JWKSURL       string `json:"jwks_url,omitempty"`
	APIBase       string `json:"api_base,omitempty"`
	IntrospectURL string `json:"introspect_url,omitempty"`
	RevokeURL     string `json:"revoke_url,omitempty"`
	UserinfoURL   string `json:"userinfo_url,omitempty"`
	// PARURL is the pushed authorization request endpoint (RFC 9126 §5).
	PARURL string `json:"par_url,omitempty"`
	// MTLSAliases are the endpoints that take TLS client certificates,
	// by metadata name (RFC 8705 §5); a run that presents one uses them.
	MTLSAliases map[string]string `json:"mtls_endpoint_aliases,omitempty"`
	// CAFile names a PEM file of CA certificates to trust besides the
	// system's, for a server inside a private network.
	CAFile string `json:"ca_file,omitempty"`
	// Builtin marks authplay's own offline server: demo shortcuts apply.
	Builtin bool `json:"builtin,omitempty"`
	// Advertised is what discovery said the server supports.
	Advertised *Metadata `json:"advertised,omitempty"`
}

// Metadata is the part of an OIDC or RFC 8414 discovery document authplay uses.
type Metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	DeviceEndpoint        string   `json:"device_authorization_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	IntrospectionEndpoint string   `json:"introspection_endpoint"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	GrantTypes            []string `json:"grant_types_supported"`
	ResponseTypes         []string `json:"response_types_supported"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	Scopes                []string `json:"scopes_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	ServiceDocumentation  string   `json:"service_documentation"`
	IDTokenSigningAlgs    []string `json:"id_token_signing_alg_values_supported"`
	SubjectTypesSupported []string `json:"subject_types_supported"`
	// DemoApproval is the built-in server's door for approving without a
	// browser (its own, labelled extension): a server that names one is
	// authplay's built-in server, run as `authplay demo-server`.
	DemoApproval           string   `json:"authplay_demo_approval_endpoint"`
	DiscoveryDocumentURL   string   `json:"-"`
	DiscoveryDocumentNotes []string `json:"-"`

	// ResponseModes and IssParameterSupported judge a redirect's answer:
	// how it may come, and whether it names its issuer (RFC 9207 §3).
	ResponseModes         []string `json:"response_modes_supported"`
	IssParameterSupported bool     `json:"authorization_response_iss_parameter_supported,omitempty"`

	// PAREndpoint and RequirePAR are RFC 9126 §5's.
	PAREndpoint string `json:"pushed_authorization_request_endpoint"`
	RequirePAR  bool   `json:"require_pushed_authorization_requests,omitempty"`

	// MTLSEndpointAliases and TLSBoundTokens are RFC 8705 §5's and §3.3's.
	MTLSEndpointAliases map[string]string `json:"mtls_endpoint_aliases,omitempty"`
	TLSBoundTokens      bool              `json:"tls_client_certificate_bound_access_tokens,omitempty"`
}

// ValidateURL checks a URL a person typed, with a message that says what is wrong.
func ValidateURL(field, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%s is empty", field)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a URL: %v", field, raw, unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s %q must start with https:// (or http:// for a local server)", field, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s %q has no host name", field, raw)
	}
	return u, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Space builds the endpoints of a JetBrains Space organization (Cloud or
// On-Premises) from its service URL.
func Space(serviceURL string) (Provider, error) {
	u, err := ValidateURL("Space URL", serviceURL)
	if err != nil {
		return Provider{}, err
	}
	base := strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/")
	return Provider{
		Name: u.Host, Kind: KindSpace, ServiceURL: base, Issuer: base,
		AuthURL: base + "/oauth/auth", TokenURL: base + "/oauth/token", JWKSURL: base + "/oauth/jwks.json",
		APIBase: base + "/api/http",
	}, nil
}

// Endpoints builds a provider from URLs typed in; empty ones stay unknown.
func Endpoints(name, authURL, tokenURL string) (Provider, error) {
	p := Provider{Name: name, Kind: KindEndpoints, AuthURL: strings.TrimSpace(authURL), TokenURL: strings.TrimSpace(tokenURL)}
	for field, v := range map[string]string{"authorization URL": p.AuthURL, "token URL": p.TokenURL} {
		if v == "" {
			continue
		}
		if _, err := ValidateURL(field, v); err != nil {
			return Provider{}, err
		}
	}
	if p.Name == "" {
		if u, err := url.Parse(p.TokenURL + p.AuthURL); err == nil {
			p.Name = u.Host
		}
	}
	return p, nil
}

// Discover reads the issuer's metadata: OpenID Connect discovery first, then
// RFC 8414 (which puts the well-known part between host and path).
func Discover(ctx context.Context, client *http.Client, issuer string) (Provider, []wire.Exchange, error) {
	u, err := ValidateURL("issuer", issuer)
	if err != nil {
		return Provider{}, nil, err
	}
	issuer = strings.TrimRight(u.String(), "/")
	path := strings.TrimRight(u.Path, "/")
	candidates := []string{
		issuer + "/.well-known/openid-configuration",
		u.Scheme + "://" + u.Host + "/.well-known/oauth-authorization-server" + path,
	}
	rc, rec := wire.Record(client, false)
	// A document that was found but is wrong says more than a 404 from the
	// other well-known place: it is the error reported when there is one.
	var lastErr, foundErr error
	for _, c := range candidates {
		md, err := fetchMetadata(ctx, rc, c)
		var missing *missingDocument
		switch {
		case errors.As(err, &missing):
			lastErr = err
			continue
		case err != nil:
			foundErr = cmp.Or(foundErr, err)
			continue
		}
		md.DiscoveryDocumentURL = c
		if md.Issuer != "" && strings.TrimRight(md.Issuer, "/") != issuer {
			return Provider{}, rec.Exchanges(), fmt.Errorf("the metadata at %s names issuer %q, not %q; RFC 8414 §3.3 says such metadata must not be used (wrong URL, or a proxy in between?)", c, md.Issuer, issuer)
		}
		if md.TokenEndpoint == "" && md.AuthorizationEndpoint == "" {
			foundErr = cmp.Or(foundErr, error(fmt.Errorf("%s has neither token_endpoint nor authorization_endpoint", c)))
			continue
		}
		family := Family("")
		if md.DemoApproval != "" {
			family = FamilyBuiltin // its words, its demo registrations, its headless approval
		}
		return Provider{
			Name: u.Host, Kind: KindDiscovery, Family: family, ServiceURL: issuer, Issuer: issuer,
			AuthURL: md.AuthorizationEndpoint, TokenURL: md.TokenEndpoint, DeviceURL: md.DeviceEndpoint,
			JWKSURL: md.JWKSURI, IntrospectURL: md.IntrospectionEndpoint, RevokeURL: md.RevocationEndpoint,
			UserinfoURL: md.UserinfoEndpoint, PARURL: md.PAREndpoint, MTLSAliases: mtlsAliases(md), Advertised: md,
		}, rec.Exchanges(), nil
	}
	if foundErr != nil {
		return Provider{}, rec.Exchanges(), &DiscoveryError{Issuer: issuer, Found: true, Err: foundErr}
	}
	return Provider{}, rec.Exchanges(), &DiscoveryError{Issuer: issuer, Err: lastErr}
}

// DiscoveryError is discovery that gave no usable document: none was
// found (Found false), or the one found is wrong.
type DiscoveryError struct {
	Issuer string
	Found  bool
	Err    error
}

func (e *DiscoveryError) Error() string {
	if e.Found {
		return fmt.Sprintf("the discovery document for %s cannot be used: %v", e.Issuer, e.Err)
	}
	return fmt.Sprintf("no discovery document found for %s: %v", e.Issuer, e.Err)
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// missingDocument is a well-known place that answered with no document
// (404 and the like), as opposed to one that answered with a wrong one.
type missingDocument struct {
	url    string
	status int
}

func (e *missingDocument) Error() string { return fmt.Sprintf("%s answered HTTP %d", e.url, e.status) }

func fetchMetadata(ctx context.Context, c *http.Client, docURL string) (*Metadata, error) {
	req, err := http.NewRequestWithContext(wire.MayFollow(ctx), http.MethodGet, docURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &missingDocument{docURL, resp.StatusCode}
	}
	md, err := ParseMetadata(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", docURL, err)
	}
	return md, nil
}

// ParseMetadata reads a discovery document and checks that its endpoints are URLs.
func ParseMetadata(body []byte) (*Metadata, error) {
	if _, err := decodeFields("application/json", body); err != nil {
		return nil, err
	}
	var md Metadata
	if err := json.Unmarshal(body, &md); err != nil {
		return nil, fmt.Errorf("the discovery document does not match the standard's shape: %w", err)
	}
	for name, v := range map[string]string{
		"authorization_endpoint": md.AuthorizationEndpoint, "token_endpoint": md.TokenEndpoint,
		"device_authorization_endpoint": md.DeviceEndpoint, "jwks_uri": md.JWKSURI,
		"introspection_endpoint": md.IntrospectionEndpoint, "revocation_endpoint": md.RevocationEndpoint,
		"pushed_authorization_request_endpoint": md.PAREndpoint,
	} {
		if v == "" {
			continue
		}
		if _, err := ValidateURL(name, v); err != nil {
			return nil, err
		}
	}
	return &md, nil
}

// Lint compares a planned request with what the server advertises, so a
// mismatch is known before anything is sent.
func (p Provider) Lint(m Method, style AuthStyle, scope string, pkce PKCEMethod) []string {
	md := p.Advertised
	if md == nil {
		return nil
	}
	var out []string
	grant := string(m)
	switch m {
	case DeviceCode:
		grant = deviceGrant
	case TokenExchange:
		grant = grantTokenExchange
	case JWTBearer:
		grant = grantJWTBearer
	case PermanentToken:
		grant = ""
	}
	if grant != "" && len(md.GrantTypes) > 0 && !slices.Contains(md.GrantTypes, grant) {
		out = append(out, fmt.Sprintf("the server does not list %s among its grant types (%s)", grant, strings.Join(md.GrantTypes, ", ")))
	}
	if am := style.Method(); len(md.AuthMethods) > 0 && m != Implicit && !slices.Contains(md.AuthMethods, am) {
		out = append(out, fmt.Sprintf("the server does not list client authentication %s (it lists %s)", am, strings.Join(md.AuthMethods, ", ")))
	}
	if m == AuthorizationCode && pkce != PKCEOff && len(md.CodeChallengeMethods) > 0 && !slices.Contains(md.CodeChallengeMethods, string(pkce)) {
		out = append(out, fmt.Sprintf("the server does not list PKCE method %s (it lists %s)", pkce, strings.Join(md.CodeChallengeMethods, ", ")))
	}
	if m == AuthorizationCode && pkce != PKCEOff && md.CodeChallengeMethods == nil {
		out = append(out, "the server does not say it supports PKCE; it may ignore the challenge")
	}
	// Space's scopes are composed (context:permission), so no list of
	// them can be whole: its family's scopes are not linted.
	if len(md.Scopes) > 0 && !p.SpaceLike() {
		for _, s := range strings.Fields(scope) {
			if !slices.Contains(md.Scopes, s) {
				out = append(out, fmt.Sprintf("scope %q is not among those the server lists (servers may accept unlisted scopes)", s))
			}
		}
	}
	if m == DeviceCode && p.DeviceURL == "" {
		out = append(out, "the server advertises no device_authorization_endpoint")
	}
	return out
}

// LintResponse compares a redirect method's response type and mode with
// what the server advertises. It warns and never refuses: a discovery
// document may leave out a combination the server accepts (dex takes
// "id_token token" without listing it).
func (p Provider) LintResponse(responseType, mode string) []string {
	md := p.Advertised
	if md == nil {
		return nil
	}
	var out []string
	if len(md.ResponseTypes) > 0 && !slices.ContainsFunc(md.ResponseTypes, func(s string) bool { return sameResponseType(s, responseType) }) {
		out = append(out, fmt.Sprintf("the server does not list response type %q (it lists %s); some servers accept combinations they do not list, so authplay asks anyway",
			responseType, strings.Join(md.ResponseTypes, ", ")))
	}
	if mode != "" {
		modes := md.ResponseModes
		if len(modes) == 0 {
			modes = []string{ModeQuery, ModeFragment} // the default when a document lists none
		}
		if !slices.Contains(modes, mode) {
			out = append(out, fmt.Sprintf("the server does not list response mode %s (it lists %s)", mode, strings.Join(modes, ", ")))
		}
	}
	return out
}

// DiscoveryStep tells of a discovery, as a step to show with a flow's:
// where the endpoints came from is part of what a person should see.
func DiscoveryStep(at time.Time, issuer string, p Provider, ex []wire.Exchange, err error) Step {
	s := Step{Name: "discovery", Caption: "Read the server's metadata (discovery)", Exchanges: ex, At: at, OK: err == nil}
	if err != nil {
		s.WhatHappened = "authplay could not read the metadata of " + termsafe.Line(issuer) + ": " + termsafe.Line(err.Error())
		return s
	}
	doc := issuer
	if p.Advertised != nil {
		doc = p.Advertised.DiscoveryDocumentURL
	}
	s.WhatHappened = fmt.Sprintf("authplay read %s, which names the server's endpoints (authorization %s, token %s) and its key set, so a profile needs only the issuer. The document must name the very issuer asked for, or it is not used. [OIDC Discovery §4 · RFC 8414 §3]",
		termsafe.Line(doc), cmp.Or(termsafe.Line(p.AuthURL), "none"), cmp.Or(termsafe.Line(p.TokenURL), "none"))
	return s
}
