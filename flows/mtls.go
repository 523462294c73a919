package flows

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/wire"
)

// Mutual TLS (RFC 8705): the client presents a TLS certificate on its
// connections to the server. With tls_client_auth or
// self_signed_tls_client_auth the certificate is the client's proof of
// identity, so no secret exists to leak; and a server may bind the tokens
// it issues over such a connection to the certificate (cnf.x5t#S256), so a
// copied token is useless without the certificate's private key.

const (
	tlsCertFileHint = "PEM file of the client's TLS certificate, presented on every connection to the server (RFC 8705)"
	tlsKeyFileHint  = "PEM file of that certificate's private key: it proves the certificate is yours, and never leaves this machine"
)

var clientCertFieldDefs = []FieldDef{
	{ID: FieldTLSCertFile, Label: "TLS cert file", Kind: KindText, Hint: tlsCertFileHint,
		Usage: "PEM file of the client's TLS certificate (mutual TLS, RFC 8705): authenticates the client with tls_client_auth or self_signed_tls_client_auth, and binds its tokens",
		get:   func(d *Draft) string { return d.Params.TLSCertFile }, set: func(d *Draft, v string) { d.Params.TLSCertFile = v },
		shownFor: clientCertShown(func(d *Draft) string { return d.Params.TLSCertFile })},
	{ID: FieldTLSKeyFile, Label: "TLS key file", Kind: KindText, Hint: tlsKeyFileHint,
		Usage: "PEM file of the private key of --tls-cert-file",
		get:   func(d *Draft) string { return d.Params.TLSKeyFile }, set: func(d *Draft, v string) { d.Params.TLSKeyFile = v },
		shownFor: clientCertShown(func(d *Draft) string { return d.Params.TLSKeyFile })},
}

// clientCertShown says when a certificate field (or the CA file that
// goes with it) applies: with a certificate auth style or a certificate
// given (one may also just bind the tokens of a client that sends a
// secret), or when it holds a value, so nothing is used unseen.
func clientCertShown(value func(*Draft) string) func(*Draft) bool {
	return func(d *Draft) bool { return d.Params.presentsCertificate() || value(d) != "" }
}

// checkClientCert holds the certificate fields to the chosen client
// authentication: both files for a certificate style, and no secret.
func (d *Draft) checkClientCert() []FieldError {
	if !SpecOf(d.Method).Accepts(FieldTLSCertFile) {
		return nil
	}
	p := d.Params
	var out []FieldError
	style := p.AuthStyle.ByCertificate()
	if strings.TrimSpace(p.TLSCertFile) == "" && (style || p.TLSKeyFile != "") {
		out = append(out, FieldError{FieldTLSCertFile, "required for " + certUse(p.AuthStyle) + ": the certificate the server checks"})
	}
	if strings.TrimSpace(p.TLSKeyFile) == "" && (style || p.TLSCertFile != "") {
		out = append(out, FieldError{FieldTLSKeyFile, "required for " + certUse(p.AuthStyle) + ": the certificate's private key"})
	}
	if style && d.Creds.ClientSecret != "" {
		out = append(out, FieldError{FieldClientSecret, "ignored: " + string(p.AuthStyle) + " proves the client with its certificate and sends no secret"})
	}
	return out
}

func certUse(a AuthStyle) string {
	if a.ByCertificate() {
		return string(a)
	}
	return "a TLS client certificate"
}

// presentsCertificate says whether the run's connections carry a client
// certificate, and so go to the mTLS endpoint aliases.
func (p Params) presentsCertificate() bool {
	return p.AuthStyle.ByCertificate() || p.TLSCertFile != ""
}

// viaMTLS is the endpoint to send a request to: RFC 8705 §5's alias when
// the run presents a certificate and the server advertises one for it
// (a server may ask for certificates on another host or port only), else
// the endpoint itself. The authorization endpoint has no alias: the
// browser goes there, and has no client certificate.
func (p Params) viaMTLS(endpoint string) string {
	aliases := p.Provider.MTLSAliases
	if !p.presentsCertificate() || len(aliases) == 0 || endpoint == "" {
		return endpoint
	}
	prov := p.Provider
	for name, plain := range map[string]string{
		"token_endpoint": prov.TokenURL, "pushed_authorization_request_endpoint": prov.PARURL,
		"device_authorization_endpoint": prov.DeviceURL, "introspection_endpoint": prov.IntrospectURL,
		"revocation_endpoint": prov.RevokeURL, "userinfo_endpoint": prov.UserinfoURL,
	} {
		if plain == endpoint && aliases[name] != "" {
			return aliases[name]
		}
	}
	return endpoint
}

// apiViaMTLS sends an API call on the authorization server's own origin
// to the origin of its mTLS token endpoint: RFC 8705 aliases only the
// server's endpoints, and an API served beside them (the built-in server's)
// must see the certificate a bound token needs.
func (p Params) apiViaMTLS(target string) string {
	alias := p.viaMTLS(p.Provider.TokenURL)
	if alias == p.Provider.TokenURL || wire.Origin(target) != wire.Origin(p.Provider.TokenURL) {
		return target
	}
	u, err := url.Parse(target)
	a, aerr := url.Parse(alias)
	if err != nil || aerr != nil {
		return target
	}
	u.Scheme, u.Host = a.Scheme, a.Host
	return u.String()
}

// APIVia is where an API call to target goes from this run: the mTLS
// origin when the run presents a certificate (see apiViaMTLS). A copied
// command must go there too, or a certificate-bound token is refused.
func (p Params) APIVia(target string) string { return p.apiViaMTLS(target) }

// mtlsAliases keeps the well-formed https aliases of a discovery document.
func mtlsAliases(md *Metadata) map[string]string {
	if md == nil || len(md.MTLSEndpointAliases) == 0 {
		return nil
	}
	out := map[string]string{}
	for name, u := range md.MTLSEndpointAliases {
		if parsed, err := ValidateURL(name, u); err == nil && parsed.Scheme == "https" {
			out[name] = u
		}
	}
	return out
}

// recordFor gives a step a client that records every exchange, trusts
// the provider's extra CA and presents the run's client certificate.
func (e Env) recordFor(p Params) (*http.Client, *wire.Recorder, wire.ClientCertificate, error) {
	c, err := wire.Trusting(e.HTTP, p.Provider.CAFile)
	if err != nil {
		return nil, nil, wire.ClientCertificate{}, &settingError{msg: err.Error()}
	}
	c, cert, err := wire.Presenting(c, p.TLSCertFile, p.TLSKeyFile)
	if err != nil {
		return nil, nil, wire.ClientCertificate{}, &settingError{msg: err.Error()}
	}
	rc, rec := wire.Record(c, e.Strict)
	return rc, rec, cert, nil
}

// boundToCertificate is the x5t#S256 a JWT access token is bound to.
func boundToCertificate(tok Secret) string { return confirmation(tok, "x5t#S256") }

// certificateVerdict judges how the access token is bound to a TLS client
// certificate (RFC 8705 §3): to the one this session presented, to
// another, or not at all. ok is false when neither the token nor the
// session has anything to do with certificates.
func certificateVerdict(st State) (Verdict, bool) {
	v := Verdict{Check: "cnf.x5t#S256"}
	x5t := boundToCertificate(st.Token.AccessToken)
	ours := st.TLSThumbprint
	switch {
	case x5t == "" && ours == "":
		return v, false
	case x5t != "" && ours == "":
		v.Outcome, v.Detail = Fail, "bound to a TLS client certificate (thumbprint "+short(x5t)+") that this session did not present: the API takes it only over a connection with that certificate. [RFC 8705 §3]"
	case x5t != "" && x5t != ours:
		v.Outcome, v.Detail = Fail, "bound to another TLS client certificate (thumbprint "+short(x5t)+") than the one this session presented ("+short(ours)+"): an API refuses it over this session's connections. [RFC 8705 §3]"
	case x5t != "":
		v.Outcome, v.Detail = Pass, "bound to this session's TLS client certificate (SHA-256 thumbprint "+short(x5t)+"): an API takes it only over a connection that presents the certificate, which needs its private key, so a copy of the token is useless on its own. [RFC 8705 §3]"
	case !jwtcheck.LooksLikeJWT(st.Token.AccessToken.Reveal()):
		v.Outcome, v.Detail = Unverified, "a client certificate was presented, but the token is opaque: only the server can tell whether it is bound (introspection shows cnf.x5t#S256). [RFC 8705 §3.2]"
	default:
		v.Outcome, v.Detail = Warn, "a client certificate was presented, but the token names no cnf.x5t#S256: the server did not bind it, so whoever holds a copy can use it. [RFC 8705 §3]"
	}
	return v, true
}

// certificateRefusal is the advice for an invalid_client about a TLS
// client certificate, if desc says it is.
func certificateRefusal(ec ExplainContext, desc string) (advice, bool) {
	d := strings.ToLower(desc)
	if !strings.Contains(d, "certificate") {
		return advice{}, false
	}
	builtin := voiceOf(ec.Family) == voiceBuiltin
	a := advice{refs: "RFC 8705 §2"}
	switch {
	case strings.Contains(d, "mtls port is off"):
		a.cause = "The client authenticates with a TLS client certificate, and the server serves no endpoint that asks for one."
		a.fix = "Start the built-in server with its mTLS port: authplay demo-server --tls."
	case containsAny(d, "mtls endpoint", "mtls port"):
		a.cause = "The request went to the plain endpoint, where no certificate is asked for; the server takes certificates on its mTLS endpoint aliases only (mtls_endpoint_aliases)."
		a.fix = "Give the client certificate (--tls-cert-file and --tls-key-file, or a certificate auth style): authplay then sends to the mTLS alias the discovery document names. With endpoints typed in, give the alias as the token URL."
		a.refs = "RFC 8705 §5"
	case containsAny(d, "no tls client certificate", "none was presented"):
		a.cause = "The connection carried no TLS client certificate, so the server had nothing to identify the client by: with tls_client_auth or self_signed_tls_client_auth there is no secret."
		a.fix = "Give the certificate and its key: --tls-cert-file and --tls-key-file (the form's TLS cert file and TLS key file), and --ca-file for the server's CA."
	default:
		a.cause = "The server does not accept this certificate for the client: tls_client_auth wants one issued by a CA it trusts with the registered subject (tls_client_auth_subject_dn); self_signed_tls_client_auth wants one whose thumbprint is registered."
		a.fix = "Present the certificate registered for client " + orQuote(ec.ClientID) + inConsole(ec.Family) + ", or register this certificate's subject or thumbprint."
	}
	if builtin && a.fix != "" && !strings.Contains(d, "mtls port is off") {
		a.fix += " The built-in server's " + demoMTLSApp + " takes a certificate with subject " + demoMTLSSubject + " issued by its demo client CA, or its registered self-signed one; authplay demo-server --tls says where to find them."
	}
	return a, true
}

const demoMTLSSubject = "CN=demo-mtls-app,O=authplay demo"
