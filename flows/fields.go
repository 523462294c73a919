package flows

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// FieldID names one thing a person fills in for a flow. The same ID is the
// form's field, the profile's setting and (with dashes) the command line's
// flag, so the three cannot drift apart.
type FieldID string

// The fields every method chooses from.
const (
	FieldAuthURL      FieldID = "auth_url"
	FieldTokenURL     FieldID = "token_url"
	FieldDeviceURL    FieldID = "device_url"
	FieldAPIBase      FieldID = "api_base"
	FieldJWKSURL      FieldID = "jwks_url"
	FieldClientID     FieldID = "client_id"
	FieldClientSecret FieldID = "client_secret"
	FieldRedirectURI  FieldID = "redirect_uri"
	FieldScope        FieldID = "scope"
	FieldUsername     FieldID = "username"
	FieldPassword     FieldID = "password"
	FieldRefreshToken FieldID = "refresh_token"
	FieldToken        FieldID = "token"
	FieldAuthStyle    FieldID = "auth_style"
	FieldPKCE         FieldID = "pkce"
	FieldAccessType   FieldID = "access_type"
	FieldCAFile       FieldID = "ca_file"
	FieldResponseType FieldID = "response_type"
	FieldResponseMode FieldID = "response_mode"
	FieldAuthParams   FieldID = "auth_params"
	FieldTokenParams  FieldID = "token_params"

	FieldPrivateKeyFile FieldID = "private_key_file"
	FieldKeyID          FieldID = "key_id"
	FieldDPoP           FieldID = "dpop"
	FieldPAR            FieldID = "par"
	FieldPARURL         FieldID = "par_url"
	FieldRequestObject  FieldID = "request_object"
	FieldTLSCertFile    FieldID = "tls_cert_file"
	FieldTLSKeyFile     FieldID = "tls_key_file"

	// A token exchange's (RFC 8693 §2.1) and a JWT-bearer grant's (RFC 7523 §2.1).
	FieldSubjectToken       FieldID = "subject_token"
	FieldSubjectTokenType   FieldID = "subject_token_type"
	FieldActorToken         FieldID = "actor_token"
	FieldActorTokenType     FieldID = "actor_token_type"
	FieldAudience           FieldID = "audience"
	FieldResource           FieldID = "resource"
	FieldRequestedTokenType FieldID = "requested_token_type"
	FieldAssertion          FieldID = "assertion"
)

// FieldKind says how a field is edited and shown.
type FieldKind int

const (
	KindText   FieldKind = iota // free text
	KindURL                     // an http(s) URL
	KindSecret                  // masked until revealed; never saved
	KindChoice                  // one of Choices
	// KindParams is a list of key=value pairs (CustomParams): one text row
	// in the form, a repeatable flag on the command line.
	KindParams
)

// Choice is one value a choice field can take.
type Choice struct {
	Value string // what is sent and saved ("" is allowed: e.g. auto)
	Label string // what the form shows
}

// names says whether v names the choice: its value, its label, or, for a
// URN, its last part (access_token for urn:ietf:params:oauth:token-type:access_token),
// which is what people type.
func (c Choice) names(v string) bool {
	return c.Value == v || c.Label == v || (v != "" && strings.HasPrefix(c.Value, "urn:") && strings.HasSuffix(c.Value, ":"+v))
}

// FieldDef describes one field: how it is shown, what it means, and where
// its value lives in a Draft.
type FieldDef struct {
	ID    FieldID
	Label string // the form's label
	Kind  FieldKind
	// Hint is shown beside the field while it has focus; Usage is the
	// command line's help for its flag.
	Hint, Usage string
	Choices     []Choice
	// ChoiceHints say what each choice means, by value, for the hint
	// shown while that choice is selected (the field's Hint otherwise).
	ChoiceHints map[string]string
	// Required is checked as the person types and before a run.
	Required bool
	get      func(*Draft) string
	set      func(*Draft, string)
	// check, when set, says what is wrong with a value that is not empty.
	check func(string) string
	// choicesBy are the choices of a field whose choices depend on the
	// method (a response type); Choices is then every method's.
	choicesBy map[Method][]Choice
	// shownFor, when set, says whether the field applies to the draft's
	// provider: access_type only to Space and the built-in server.
	shownFor func(*Draft) bool
	// canon writes a value one way before it is checked ("token id_token"
	// is "id_token token").
	canon func(string) string
	flag  string // the flag's name when it is not the ID's
	// offers, when set, are values a person may pick for a list field.
	offers func(*Draft) []Offer
	// Switch marks a choice of off ("") or on: its command-line flag
	// takes no value (--dpop).
	Switch bool
}

// Flag is the command-line flag of the field (token_url → token-url; a
// list's flag is singular and repeatable: --auth-param).
func (f FieldDef) Flag() string {
	if f.flag != "" {
		return f.flag
	}
	return strings.ReplaceAll(string(f.ID), "_", "-")
}

// ChoicesFor are the values a choice field takes for a method: a response
// type depends on the method; other fields have the same for all.
func (f FieldDef) ChoicesFor(m Method) []Choice {
	if cs, ok := f.choicesBy[m]; ok {
		return cs
	}
	return f.Choices
}

// Shown says whether the field applies to the draft: its method takes it,
// and its provider speaks the field's dialect. The form shows only these
// rows, the command line refuses the others' flags, Check checks only
// these, and a copied command line repeats only these.
func (f FieldDef) Shown(d *Draft) bool {
	return SpecOf(d.Method).Accepts(f.ID) && (f.shownFor == nil || f.shownFor(d))
}

// Secret says whether the field holds a secret: masked, never saved, and
// given on the command line only through a variable or a file.
func (f FieldDef) Secret() bool { return f.Kind == KindSecret }

var fieldDefs = slices.Concat([]FieldDef{
	{ID: FieldAuthURL, Label: "Authorization URL", Kind: KindURL, Required: true, Usage: "authorization endpoint",
		get: func(d *Draft) string { return d.Params.Provider.AuthURL }, set: func(d *Draft, v string) { d.Params.Provider.AuthURL = v }},
	{ID: FieldTokenURL, Label: "Token URL", Kind: KindURL, Required: true, Usage: "token endpoint",
		get: func(d *Draft) string { return d.Params.Provider.TokenURL }, set: func(d *Draft, v string) { d.Params.Provider.TokenURL = v }},
	{ID: FieldDeviceURL, Label: "Device URL", Kind: KindURL, Required: true, Usage: "device authorization endpoint (RFC 8628)",
		get: func(d *Draft) string { return d.Params.Provider.DeviceURL }, set: func(d *Draft, v string) { d.Params.Provider.DeviceURL = v }},
	{ID: FieldAPIBase, Label: "API base URL", Kind: KindURL, Required: true, Usage: "API base URL: a brought token's test call, and the request --output curl writes",
		get: func(d *Draft) string { return d.Params.Provider.APIBase }, set: func(d *Draft, v string) { d.Params.Provider.APIBase = v }},
	{ID: FieldJWKSURL, Label: "Key set URL", Kind: KindURL, Hint: "JWKS: the keys that check JWT signatures", Usage: "key set URL (JWKS) to check JWT signatures against (discovery fills it)",
		get: func(d *Draft) string { return d.Params.Provider.JWKSURL }, set: func(d *Draft, v string) { d.Params.Provider.JWKSURL = v }},
	{ID: FieldCAFile, Label: "CA file", Kind: KindText, Hint: "PEM certificates to trust besides the system's", Usage: "a PEM file of CA certificates to trust besides the system's (a server in a private network)",
		get: func(d *Draft) string { return d.Params.Provider.CAFile }, set: func(d *Draft, v string) { d.Params.Provider.CAFile = v },
		shownFor: clientCertShown(func(d *Draft) string { return d.Params.Provider.CAFile })},
	{ID: FieldClientID, Label: "Client ID", Kind: KindText, Required: true, Usage: "client ID",
		get: func(d *Draft) string { return d.Params.ClientID }, set: func(d *Draft, v string) { d.Params.ClientID = v }},
	{ID: FieldClientSecret, Label: "Client secret", Kind: KindSecret, Hint: "empty for a public client", Usage: "client secret",
		get: func(d *Draft) string { return d.Creds.ClientSecret.Reveal() }, set: func(d *Draft, v string) { d.Creds.ClientSecret = Secret(v) }},
	{ID: FieldRedirectURI, Label: "Redirect URI", Kind: KindText, Required: true, Hint: "port 0 picks a free port",
		Usage: "loopback redirect URI (default http://127.0.0.1:0/callback: any free port)",
		get:   func(d *Draft) string { return d.Params.RedirectURI }, set: func(d *Draft, v string) { d.Params.RedirectURI = v }},
	{ID: FieldScope, Label: "Scope", Kind: KindText, Hint: "space-separated", Usage: `scope to request, space-separated ("**" is everything in Space)`,
		get: func(d *Draft) string { return d.Params.Scope }, set: func(d *Draft, v string) { d.Params.Scope = v }, offers: scopeOffers},
	{ID: FieldUsername, Label: "Username", Kind: KindText, Required: true, Usage: "the user whose password is sent (password flow)",
		get: func(d *Draft) string { return d.Params.Username }, set: func(d *Draft, v string) { d.Params.Username = v }},
	{ID: FieldPassword, Label: "Password", Kind: KindSecret, Required: true, Usage: "the user's password (password flow)",
		get: func(d *Draft) string { return d.Creds.Password.Reveal() }, set: func(d *Draft, v string) { d.Creds.Password = Secret(v) }},
	{ID: FieldRefreshToken, Label: "Refresh token", Kind: KindSecret, Required: true, Hint: "from an earlier sign-in, or pasted", Usage: "the refresh token to trade",
		get: func(d *Draft) string { return d.Seed.Reveal() }, set: func(d *Draft, v string) { d.Seed = Secret(v) }},
	{ID: FieldToken, Label: "Token", Kind: KindSecret, Required: true, Hint: "a Space personal or application token, or any bearer token", Usage: "the token to bring",
		get: func(d *Draft) string { return d.Seed.Reveal() }, set: func(d *Draft, v string) { d.Seed = Secret(v) }},
	{ID: FieldSubjectToken, Label: "Subject token", Kind: KindSecret, Required: true,
		Hint:  "the token you hold and trade: the new token acts for whoever this one acts for",
		Usage: "the token to exchange (token exchange, RFC 8693)",
		get:   func(d *Draft) string { return d.Creds.SubjectToken.Reveal() }, set: func(d *Draft, v string) { d.Creds.SubjectToken = Secret(v) }},
	{ID: FieldSubjectTokenType, Label: "Subject token type", Kind: KindChoice, Choices: tokenTypeChoices,
		Hint:  "what the subject token is; the server is told, it does not guess (RFC 8693 §3)",
		Usage: "the subject token's type: " + tokenTypeNames + " (default access_token)",
		get:   func(d *Draft) string { return d.Params.Exchange.subjectType() }, set: func(d *Draft, v string) { d.Params.Exchange.SubjectTokenType = v }},
	{ID: FieldActorToken, Label: "Actor token", Kind: KindSecret,
		Hint:  "optional: a token of whoever acts for the subject; the new token then names it in act (delegation)",
		Usage: "optional: a token of the party acting for the subject (token exchange)",
		get:   func(d *Draft) string { return d.Creds.ActorToken.Reveal() }, set: func(d *Draft, v string) { d.Creds.ActorToken = Secret(v) }},
	{ID: FieldActorTokenType, Label: "Actor token type", Kind: KindChoice, Choices: tokenTypeChoices,
		Hint:  "what the actor token is; sent only with an actor token",
		Usage: "the actor token's type: " + tokenTypeNames + " (default access_token)",
		get:   func(d *Draft) string { return d.Params.Exchange.actorType() }, set: func(d *Draft, v string) { d.Params.Exchange.ActorTokenType = v }},
	{ID: FieldAudience, Label: "Audience", Kind: KindText,
		Hint:  "optional: the name the server knows the next service by (often a client ID)",
		Usage: "optional: the service the new token is for, by the name the server knows it by (token exchange)",
		get:   func(d *Draft) string { return d.Params.Exchange.Audience }, set: func(d *Draft, v string) { d.Params.Exchange.Audience = v }},
	{ID: FieldResource, Label: "Resource", Kind: KindText, check: resourceProblem,
		Hint:  "optional: the URI of the API the new token is for (RFC 8707): absolute, no #fragment",
		Usage: "optional: the URI of the API the new token is for (token exchange, RFC 8707)",
		get:   func(d *Draft) string { return d.Params.Exchange.Resource }, set: func(d *Draft, v string) { d.Params.Exchange.Resource = v }},
	{ID: FieldRequestedTokenType, Label: "Requested type", Kind: KindChoice, Choices: requestedTypeChoices,
		Hint:  "the kind of token you want back; not sent: the server chooses (usually an access token)",
		Usage: "optional: the type of token to ask for: " + tokenTypeNames,
		get:   func(d *Draft) string { return d.Params.Exchange.RequestedTokenType }, set: func(d *Draft, v string) { d.Params.Exchange.RequestedTokenType = v }},
	{ID: FieldAssertion, Label: "Assertion", Kind: KindSecret, Required: true, Hint: assertionHint,
		Usage: "the signed JWT to present (JWT bearer grant; its iss, sub, aud, exp and jti are checked)",
		get:   func(d *Draft) string { return d.Creds.Assertion.Reveal() }, set: func(d *Draft, v string) { d.Creds.Assertion = Secret(v) }},
	{ID: FieldAuthStyle, Label: "Client auth", Kind: KindChoice, Hint: "auto: Basic with a secret, public client without",
		Usage: "client authentication: auto (basic with a client secret, none without), basic, body, none, " +
			"private_key_jwt (a JWT signed with --private-key-file), client_secret_jwt (a JWT signed with the client secret), " +
			"tls_client_auth or self_signed_tls_client_auth (the TLS client certificate of --tls-cert-file)",
		Choices: []Choice{{"", "auto"}, {"basic", "basic"}, {"body", "body"}, {"none", "none"}, {"private_key_jwt", "private_key_jwt"}, {"client_secret_jwt", "client_secret_jwt"},
			{"tls_client_auth", "tls_client_auth"}, {"self_signed_tls_client_auth", "self_signed_tls_client_auth"}},
		ChoiceHints: authStyleHints,
		get:         func(d *Draft) string { return string(d.Params.AuthStyle) }, set: func(d *Draft, v string) { d.Params.AuthStyle = AuthStyle(v) }},
	{ID: FieldPrivateKeyFile, Label: "Private key file", Kind: KindText, Hint: privateKeyFileHint, Usage: privateKeyFileUsage,
		get: func(d *Draft) string { return d.Params.PrivateKeyFile }, set: func(d *Draft, v string) { d.Params.PrivateKeyFile = v },
		shownFor: signingKeyShown(func(d *Draft) string { return d.Params.PrivateKeyFile })},
	{ID: FieldKeyID, Label: "Key ID", Kind: KindText, Hint: "the kid the server registered the key under; empty names none and the server tries each of the client's keys",
		Usage: "kid to name in what --private-key-file signs (empty: none, and the server tries each key registered for the client)",
		get:   func(d *Draft) string { return d.Params.KeyID }, set: func(d *Draft, v string) { d.Params.KeyID = v },
		shownFor: signingKeyShown(func(d *Draft) string { return d.Params.KeyID })},
	{ID: FieldPAR, Label: "Pushed request", Kind: KindChoice, Switch: true, Choices: switchChoices, Hint: parHint, Usage: parUsage,
		get: func(d *Draft) string { return onOff(d.Params.PAR) }, set: func(d *Draft, v string) { d.Params.PAR = v == "on" }},
	{ID: FieldPARURL, Label: "PAR URL", Kind: KindURL, Hint: "the pushed authorization request endpoint; discovery names it", Required: true,
		Usage: "pushed authorization request endpoint (RFC 9126; discovery fills it: pushed_authorization_request_endpoint)",
		get:   func(d *Draft) string { return d.Params.Provider.PARURL }, set: func(d *Draft, v string) { d.Params.Provider.PARURL = v },
		shownFor: func(d *Draft) bool { return d.Params.PAR }},
	{ID: FieldRequestObject, Label: "Request object", Kind: KindChoice, Switch: true, Choices: switchChoices, Hint: requestObjectHint, Usage: requestObjectUsage,
		get: func(d *Draft) string { return onOff(d.Params.RequestObject) }, set: func(d *Draft, v string) { d.Params.RequestObject = v == "on" }},
	{ID: FieldPKCE, Label: "PKCE", Kind: KindChoice, Hint: "S256 unless the server cannot do it", Usage: "PKCE: S256 (default), plain or off",
		Choices: []Choice{{"S256", "S256"}, {"plain", "plain"}, {"off", "off"}},
		get:     func(d *Draft) string { return string(d.Params.PKCE) }, set: func(d *Draft, v string) { d.Params.PKCE = PKCEMethod(v) }},
	{ID: FieldAccessType, Label: "Access type", Kind: KindChoice, Hint: "Space: offline asks for a refresh token",
		Usage:   "Space and the built-in server: online or offline (offline asks for a refresh token); other servers: --auth-param access_type=offline",
		Choices: []Choice{{"offline", "offline"}, {"online", "online"}, {"", "(not sent)"}},
		get:     func(d *Draft) string { return d.Params.AccessType }, set: func(d *Draft, v string) { d.Params.AccessType = v },
		// Space's own parameter: another server gets it only as a custom one.
		shownFor: func(d *Draft) bool { return d.Params.Provider.SpaceLike() }},
	{ID: FieldResponseType, Label: "Response type", Kind: KindChoice, Hint: "what the redirect brings; with id_token a nonce is sent",
		Usage:   "response type: code, code id_token, code token or code id_token token (code flow); token, id_token or id_token token (implicit)",
		Choices: choicesOf(slices.Concat(responseTypes[AuthorizationCode], responseTypes[Implicit])),
		choicesBy: map[Method][]Choice{
			AuthorizationCode: choicesOf(responseTypes[AuthorizationCode]), Implicit: choicesOf(responseTypes[Implicit]),
		},
		canon: canonicalResponseType,
		get:   func(d *Draft) string { return d.Params.ResponseType }, set: func(d *Draft, v string) { d.Params.ResponseType = v }},
	{ID: FieldResponseMode, Label: "Response mode", Kind: KindChoice, Hint: "form_post: the server's page POSTs the answer back",
		Usage:   "where the answer comes back: query, fragment or form_post (default: query for a code alone, fragment otherwise)",
		Choices: []Choice{{"", "(default)"}, {ModeQuery, ModeQuery}, {ModeFragment, ModeFragment}, {ModeFormPost, ModeFormPost}},
		get:     func(d *Draft) string { return d.Params.ResponseMode }, set: func(d *Draft, v string) { d.Params.ResponseMode = v }},
	{ID: FieldAuthParams, Label: "Auth parameters", Kind: KindParams, flag: "auth-param",
		Hint:  "key=value, space-separated: prompt=consent login_hint=… audience=…",
		Usage: "an extra authorization-request parameter, key=value (repeat the flag for more): prompt, login_hint, audience, resource, acr_values, max_age, …",
		get:   func(d *Draft) string { return d.Params.AuthParams.String() },
		set:   func(d *Draft, v string) { d.Params.AuthParams, _ = ParseCustomParams(v) }},
	{ID: FieldTokenParams, Label: "Token parameters", Kind: KindParams, flag: "token-param",
		Hint:  "key=value, space-separated: sent with every token request",
		Usage: "an extra token-request parameter, key=value (repeat the flag for more): resource, audience, …",
		get:   func(d *Draft) string { return d.Params.TokenParams.String() },
		set:   func(d *Draft, v string) { d.Params.TokenParams, _ = ParseCustomParams(v) }},
	{ID: FieldDPoP, Label: "DPoP", Kind: KindChoice, Switch: true, Hint: "bind the tokens to a key of this session (RFC 9449)",
		Usage:   "DPoP (RFC 9449): sign a fresh proof with a key of this session for every token request and API call, so the tokens are bound to the key",
		Choices: []Choice{{"", "off"}, {"on", "on"}},
		get: func(d *Draft) string {
			if d.Params.DPoP {
				return "on"
			}
			return ""
		}, set: func(d *Draft, v string) { d.Params.DPoP = v == "on" }},
}, clientCertFieldDefs)

func choicesOf(values []string) []Choice {
	out := make([]Choice, len(values))
	for i, v := range values {
		out[i] = Choice{Value: v, Label: v}
	}
	return out
}

// ChoiceHint is what a choice means: its own hint, or the field's.
func (f FieldDef) ChoiceHint(value string) string {
	if h, ok := f.ChoiceHints[value]; ok {
		return h
	}
	return f.Hint
}

// Field describes a field by its ID.
func Field(id FieldID) (FieldDef, bool) {
	for _, f := range fieldDefs {
		if f.ID == id {
			return f, true
		}
	}
	return FieldDef{}, false
}

// Fields describes every field there is, in a stable order.
func Fields() []FieldDef { return slices.Clone(fieldDefs) }

// Draft is what a person fills in for one run: the settings that may be
// saved (Params), the secrets that never are (Creds), and a token they
// bring (Seed). The form, the command line and a profile all fill one in
// through Set, so a field means the same wherever it is given.
type Draft struct {
	Method Method
	Params Params
	Creds  Credentials
	Seed   Secret
}

// Get returns a field's value.
func (d *Draft) Get(id FieldID) string {
	if f, ok := Field(id); ok {
		return f.get(d)
	}
	return ""
}

// Set gives a field a value, or says why it cannot have it.
func (d *Draft) Set(id FieldID, v string) error {
	f, ok := Field(id)
	if !ok {
		return fmt.Errorf("no field %q", id)
	}
	if f.Kind != KindSecret {
		v = strings.TrimSpace(v)
	}
	if f.canon != nil {
		v = f.canon(v)
	}
	choices := f.ChoicesFor(d.Method)
	if f.Kind == KindChoice && !slices.ContainsFunc(choices, func(c Choice) bool { return c.names(v) }) {
		var names []string
		for _, c := range choices {
			names = append(names, c.Label)
		}
		return fmt.Errorf("%s %q: choose %s", strings.ToLower(f.Label), v, strings.Join(names, ", "))
	}
	if f.Kind == KindChoice && !slices.ContainsFunc(choices, func(c Choice) bool { return c.Value == v }) {
		v = choices[slices.IndexFunc(choices, func(c Choice) bool { return c.names(v) })].Value
	}
	if f.Kind == KindParams {
		if _, err := ParseCustomParams(v); err != nil {
			return err // it names the pair; the form shows it beside the row
		}
	}
	f.set(d, v)
	return nil
}

// FieldDefsFor are the spec's fields that apply to the draft (Shown).
func (s Spec) FieldDefsFor(d *Draft) []FieldDef {
	return slices.DeleteFunc(s.FieldDefs(), func(f FieldDef) bool { return !f.Shown(d) })
}

// FieldError is what is wrong with one field.
type FieldError struct {
	Field FieldID
	Err   string
}

// Check holds every field of the draft's method to its rules: required
// ones are filled in, URLs are URLs. The form runs it as the person types.
func (d *Draft) Check() []FieldError {
	var out []FieldError
	for _, f := range SpecOf(d.Method).FieldDefsFor(d) {
		v := f.get(d)
		switch {
		case f.Required && strings.TrimSpace(v) == "":
			out = append(out, FieldError{f.ID, "required"})
		case f.check != nil && v != "" && f.check(v) != "":
			out = append(out, FieldError{f.ID, f.check(v)})
		case f.Kind == KindURL && v != "":
			if _, err := ValidateURL(strings.ToLower(f.Label), v); err != nil {
				out = append(out, FieldError{f.ID, err.Error()})
			}
		case f.ID == FieldRedirectURI:
			if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" {
				out = append(out, FieldError{f.ID, "not an absolute URL"})
			}
		}
	}
	if d.Params.AuthStyle == AuthNone && d.Creds.ClientSecret != "" && slices.Contains(SpecOf(d.Method).Fields, FieldClientSecret) {
		out = append(out, FieldError{FieldClientSecret, "ignored: client auth is none (public client)"})
	}
	out = append(out, d.checkSigning()...)
	out = append(out, d.checkClientCert()...)
	return append(out, d.checkResponse()...)
}

// checkResponse holds a redirect method's response type and mode to the
// rules that protect the tokens they bring.
func (d *Draft) checkResponse() []FieldError {
	spec := SpecOf(d.Method)
	if !spec.Accepts(FieldResponseType) {
		return nil
	}
	var out []FieldError
	p := d.Params
	rt := p.responseType(d.Method)
	if p.ResponseType != "" && !slices.Contains(responseTypes[d.Method], rt) {
		out = append(out, FieldError{FieldResponseType, "not one of this flow's: " + strings.Join(responseTypes[d.Method], ", ")})
	}
	if p.ResponseMode == ModeQuery && rt != "code" {
		// OAuth 2.0 Multiple Response Type Encoding Practices §5: a
		// token in a query lands in server logs and Referer headers.
		out = append(out, FieldError{FieldResponseMode, "query cannot carry tokens: choose fragment or form_post"})
	}
	if asks(rt, "id_token") && !wantsOpenID(p.Scope) {
		out = append(out, FieldError{FieldScope, "an ID token needs the openid scope (OIDC Core §3.1.2.1)"})
	}
	return out
}

// Blocking says whether an error stops the run (a note like "ignored" does not).
func (e FieldError) Blocking() bool { return !strings.HasPrefix(e.Err, "ignored") }
