package flows

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
)

// Client authentication by a signed assertion (RFC 7523 §2.2, RFC 7521
// §4.2, OIDC Core §9): instead of its secret the client sends a short-lived
// JWT, signed with its private key (private_key_jwt) or keyed with its
// secret (client_secret_jwt), that says "I am this client, for this server,
// once". It goes with every request that authenticates the client: token,
// refresh, device authorization, introspection, revocation and PAR.

// ClientAssertionType is the client_assertion_type of a JWT assertion.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// minHMACKey is the shortest key HS256 may have: as long as its hash
// (RFC 7518 §3.2).
const minHMACKey = 32

var authStyleHints = map[string]string{
	"":      "auto: Basic with a secret, public client without",
	"basic": "the secret in an HTTP Basic header (client_secret_basic, RFC 6749 §2.3.1): what most servers expect",
	"body":  "the secret in the form body (client_secret_post, RFC 6749 §2.3.1)",
	"none":  "a public client: client_id alone, with PKCE guarding the code instead of a secret",
	"private_key_jwt": "no shared secret: the client signs a short-lived JWT with its private key, and the server keeps only the public key, " +
		"so nothing stolen from the server or the wire lets anyone act as the client (RFC 7523 §2.2, OIDC Core §9)",
	"client_secret_jwt": "the secret never travels: it keys an HMAC over a short-lived JWT with a one-time jti, so a captured request cannot be replayed; " +
		"the secret must be 32 bytes or more (RFC 7523 §2.2, RFC 7518 §3.2)",
	"tls_client_auth": "no secret at all: the TLS handshake proves the client holds the private key of a certificate a CA issued to it, " +
		"and the server checks the certificate's subject; tokens get bound to the certificate (RFC 8705 §2.1, §3)",
	"self_signed_tls_client_auth": "no secret and no CA: the client presents a self-signed certificate whose thumbprint the server registered; " +
		"tokens get bound to the certificate (RFC 8705 §2.2, §3)",
}

const (
	privateKeyFileHint  = "PEM file of the client's RSA or EC private key: it signs, and never leaves this machine (authplay keygen makes one)"
	privateKeyFileUsage = "PEM file of the client's RSA or EC private key (PKCS #1, PKCS #8 or SEC 1): signs private_key_jwt assertions; " +
		"authplay keygen makes one"
)

// checkSigning holds the signing fields to the chosen client
// authentication: a key file for private_key_jwt, a long enough secret for
// client_secret_jwt.
func (d *Draft) checkSigning() []FieldError {
	if !SpecOf(d.Method).Accepts(FieldAuthStyle) {
		return nil
	}
	var out []FieldError
	switch {
	case d.Params.AuthStyle == AuthPrivateKeyJWT && strings.TrimSpace(d.Params.PrivateKeyFile) == "":
		out = append(out, FieldError{FieldPrivateKeyFile, "required for private_key_jwt (authplay keygen makes a key)"})
	case d.Params.RequestObject && d.Method == AuthorizationCode && strings.TrimSpace(d.Params.PrivateKeyFile) == "":
		out = append(out, FieldError{FieldPrivateKeyFile, "required for a request object, which it signs (authplay keygen makes a key)"})
	}
	switch d.Params.AuthStyle {
	case AuthPrivateKeyJWT:
		if d.Creds.ClientSecret != "" {
			out = append(out, FieldError{FieldClientSecret, "ignored: private_key_jwt signs with the key and sends no secret"})
		}
	case AuthClientSecretJWT:
		if err := hmacKeyLongEnough(d.Creds.ClientSecret); err != nil {
			out = append(out, FieldError{FieldClientSecret, err.Error()})
		}
	}
	return out
}

// hmacKeyLongEnough refuses a secret too short to key HS256.
func hmacKeyLongEnough(secret Secret) error {
	switch n := len(secret.Reveal()); {
	case n == 0:
		return settingMissing("required for client_secret_jwt: the client secret keys the assertion's HMAC")
	case n < minHMACKey:
		return settingMissing("%d bytes: too short for client_secret_jwt; an HS256 key needs %d bytes or more (RFC 7518 §3.2): use a longer secret, or private_key_jwt", n, minHMACKey)
	}
	return nil
}

// addClientAssertion authenticates r with a client assertion signed now.
// When it cannot be signed yet (the key file is not read until a step
// runs), the assertion is left empty and made when the request is sent.
func (b *base) addClientAssertion(r *Request) {
	r.Form.Set("client_id", b.st.Params.ClientID)
	r.Form.Set("client_assertion_type", ClientAssertionType)
	a, err := b.clientAssertion(time.Now(), false)
	if err != nil {
		a = ""
	}
	r.Form.Set("client_assertion", a)
}

// freshClientAssertion signs the assertion again as the request leaves,
// with this moment's times, so a request a person looked at or edited for
// a while is still valid. An assertion the person wrote in is theirs: it
// is sent as it is (a replayed one shows the server refusing it).
func (b *base) freshClientAssertion(env Env, r *Request, edited bool) error {
	style := b.authStyle()
	if r.Form == nil || r.Form.Get("client_assertion_type") != ClientAssertionType || (style != AuthPrivateKeyJWT && style != AuthClientSecretJWT) {
		return nil
	}
	if edited && !b.ownPendingAssertion(r.Form.Get("client_assertion")) {
		return nil
	}
	a, err := b.clientAssertion(env.now(), true)
	if err != nil {
		return err
	}
	r.Form = maps.Clone(r.Form) // the person's edit stays as they made it
	r.Form.Set("client_assertion", a)
	b.st.ClientAssertions++
	return nil
}

// pendingJTI is the jti of the next assertion: derived from the run's
// secret random value and the count sent so far, so the assertion shown
// before a step has the jti the step sends, and no two share one.
func (b *base) pendingJTI() string {
	return derivedID(b.st.Verifier, "client_assertion", b.st.ClientAssertions)
}

// ownPendingAssertion says whether an assertion in an edited request is
// the one authplay showed (empty, or with the pending jti) rather than
// one the person put there.
func (b *base) ownPendingAssertion(a string) bool {
	if a == "" {
		return true
	}
	j, err := jwtcheck.Decode(a)
	return err == nil && j.Str("jti") == b.pendingJTI()
}

// clientAssertion signs the claims RFC 7523 §3 asks for: iss and sub the
// client_id, aud the token endpoint, a jti used once, exp five minutes
// on. load says whether the key file may be read now (a step, not a
// preview).
func (b *base) clientAssertion(now time.Time, load bool) (string, error) {
	p := b.st.Params
	claims := map[string]any{
		"iss": p.ClientID, "sub": p.ClientID, "aud": b.assertionAudience(), "jti": b.pendingJTI(),
		"iat": now.Unix(), "exp": now.Add(assertionLife).Unix(),
	}
	if b.authStyle() == AuthClientSecretJWT {
		if err := hmacKeyLongEnough(b.creds.ClientSecret); err != nil {
			return "", err
		}
		return signJWT(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(b.creds.ClientSecret.Reveal())}, "", "JWT", claims)
	}
	k, err := b.clientKey(load)
	if err != nil {
		return "", err
	}
	return k.sign("JWT", claims)
}

// assertionAudience is the token endpoint, which RFC 7523 §3 names as the
// audience whichever endpoint the assertion goes to.
func (b *base) assertionAudience() string { return b.st.Params.Provider.TokenURL }

// clientKey is the key of private_key_file: the one in the credentials
// when it was read from that file, else read now when load allows.
func (b *base) clientKey(load bool) (*ClientKey, error) {
	p := b.st.Params
	k := b.creds.ClientKey
	if k == nil || k.Path != p.PrivateKeyFile {
		if !load {
			return nil, settingMissing("the private key is read when the step runs")
		}
		var err error
		if k, err = LoadClientKey(p.PrivateKeyFile); err != nil {
			return nil, &settingError{msg: err.Error()}
		}
		b.creds.ClientKey = k
	}
	signing := *k
	signing.KeyID = p.KeyID
	return &signing, nil
}

// claimWords say what each claim of a client assertion is for.
var claimWords = []struct{ name, words string }{
	{"iss", "who made it: the client"},
	{"sub", "whom it speaks for: the client itself (iss = sub = client_id)"},
	{"aud", "the one server meant to accept it; any other must refuse it"},
	{"jti", "a one-time ID: the server remembers it and refuses a copy"},
}

// decodeClientAssertion tells a client assertion as a learner reads it:
// header, each claim and why it is there, and how it is signed. An HMAC's
// signature is made from the secret, so it is masked like one.
func decodeClientAssertion(a, keyFile string) []string {
	head := "Client assertion (RFC 7523 §2.2), sent instead of a secret, decoded:"
	if a == "" {
		if keyFile != "" {
			return []string{head + " signed as the request is sent, with the key in " + keyFile + "."}
		}
		return []string{head + " signed as the request is sent."}
	}
	j, err := jwtcheck.Decode(a)
	if err != nil {
		return []string{"The client_assertion does not decode as a JWT (" + err.Error() + "): the server will refuse it."}
	}
	out := []string{head, "  header  " + headerWords(j.Header)}
	for _, c := range claimWords {
		out = append(out, fmt.Sprintf("  %s  %s: %s", c.name, shownClaim(j, c.name), c.words))
	}
	iat, okIat := j.Time("iat")
	exp, okExp := j.Time("exp")
	switch {
	case okIat && okExp:
		out = append(out, "  exp  "+Human(exp.Sub(iat))+" after iat, when it was signed: later it is refused, so a stolen copy is soon worthless")
	case okExp:
		out = append(out, "  exp  set, without iat")
	default:
		out = append(out, "  exp  missing: a server must refuse an assertion that never expires")
	}
	switch alg := j.Alg(); {
	case alg == "HS256":
		out = append(out, "  signature  HS256, an HMAC keyed with the client secret: •••")
	case keyFile != "":
		out = append(out, "  signature  "+termsafe.Line(alg)+" by the private key in "+keyFile+", which never leaves this machine")
	default:
		out = append(out, "  signature  "+termsafe.Line(alg))
	}
	return out
}

func headerWords(h map[string]any) string {
	var parts []string
	for _, k := range []string{"alg", "typ", "kid"} {
		if v, ok := h[k].(string); ok {
			parts = append(parts, k+" "+termsafe.Line(v))
		}
	}
	return strings.Join(parts, " · ")
}

func shownClaim(j *jwtcheck.JWT, name string) string {
	if name == "aud" {
		if aud := j.Audience(); len(aud) > 0 {
			return termsafe.Line(strings.Join(aud, " "))
		}
	}
	if v := j.Str(name); v != "" {
		return termsafe.Line(v)
	}
	return "(missing)"
}

// RequestDetails says what a request of a run with params p carries that
// cannot be read in it: a client assertion, header and claims, each claim
// explained. Never a key. The form's preview, the Steps panel and
// --verbose show it under the request.
func RequestDetails(r Request, p Params) []string {
	var out []string
	if r.Form != nil && r.Form.Has("client_assertion") {
		keyFile := ""
		if p.AuthStyle == AuthPrivateKeyJWT {
			keyFile = p.PrivateKeyFile
		}
		out = append(out, decodeClientAssertion(r.Form.Get("client_assertion"), keyFile)...)
	}
	return append(out, frontChannelDetails(r)...)
}

// signingKeyShown says when a signing key field applies: with
// private_key_jwt, or when it holds a value (a profile's key file stays in
// sight, so nothing is used unseen).
func signingKeyShown(value func(*Draft) string) func(*Draft) bool {
	return func(d *Draft) bool {
		return d.Params.AuthStyle == AuthPrivateKeyJWT || (d.Params.RequestObject && d.Method == AuthorizationCode) || value(d) != ""
	}
}
