package flows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DPoP (RFC 9449): the session holds a key pair of its own and signs a
// fresh proof for every request to the token endpoint and to an API. A
// server that sees a proof binds the tokens it issues to the key (its
// thumbprint goes into the token as cnf.jkt), so a token that leaks is
// useless to whoever lacks the private key, which never leaves this
// machine.

// proofType is the typ header every DPoP proof carries (RFC 9449 §4.2).
const proofType = "dpop+jwt"

// DPoPKey is a session's DPoP key pair: ES256 on P-256, the algorithm
// every DPoP server supports. Every fmt verb and JSON show the public half
// only, so the private key cannot slip into a log line, an error, a panic
// or an export; PrivatePEM is the one way out, for the store's key file.
type DPoPKey struct {
	priv *ecdsa.PrivateKey
	jkt  string
}

// NewDPoPKey makes a key pair for one session.
func NewDPoPKey() (*DPoPKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return dpopKeyOf(priv)
}

func dpopKeyOf(priv *ecdsa.PrivateKey) (*DPoPKey, error) {
	jwk := jose.JSONWebKey{Key: &priv.PublicKey}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return &DPoPKey{priv: priv, jkt: base64.RawURLEncoding.EncodeToString(tp)}, nil
}

// ParseDPoPKey reads a key PrivatePEM wrote.
func ParseDPoPKey(b []byte) (*DPoPKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "EC PRIVATE KEY" {
		return nil, errors.New("not a PEM-encoded EC private key")
	}
	priv, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the EC private key does not parse: %w", err)
	}
	if priv.Curve != elliptic.P256() {
		return nil, errors.New("the key is not on P-256, which ES256 needs")
	}
	return dpopKeyOf(priv)
}

// PrivatePEM is the private key, for the store to keep in a file of its
// own (0600). Nothing else should call it.
func (k *DPoPKey) PrivatePEM() ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k.priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// Thumbprint is the key's RFC 7638 SHA-256 thumbprint, base64url: the
// value a server puts in a bound token's cnf.jkt.
func (k *DPoPKey) Thumbprint() string { return k.jkt }

// PublicJWK is the public half as a JWK, as every proof carries it.
func (k *DPoPKey) PublicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &k.priv.PublicKey, Algorithm: string(jose.ES256), Use: "sig"}
}

// String, Format and MarshalJSON show the public half only.
func (k *DPoPKey) String() string {
	if k == nil {
		return "no DPoP key"
	}
	return "DPoP key ES256 (thumbprint " + k.jkt + ")"
}

// Format implements fmt.Formatter so that %v, %+v, %#v, %s, %x all show
// what String does, never the private scalar.
func (k *DPoPKey) Format(f fmt.State, _ rune) { io.WriteString(f, k.String()) } //nolint:errcheck

// GoString keeps %#v to the public half as well.
func (k *DPoPKey) GoString() string { return k.String() }

// MarshalJSON writes the public JWK: the private key is never JSON.
func (k *DPoPKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.PublicJWK()) }

// proofClaims are a proof's claims, in the order RFC 9449 §4.2 lists them.
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof signs a proof for one request: its method and URL, made at now,
// with ath when it goes with an access token and the server's nonce when
// there is one (RFC 9449 §4.2).
func (k *DPoPKey) Proof(method, target, accessToken, nonce string, now time.Time) (string, error) {
	htu, err := ProofURL(target)
	if err != nil {
		return "", err
	}
	c := proofClaims{JTI: randomToken(), HTM: method, HTU: htu, IAT: now.Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = AccessTokenHash(accessToken)
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType(proofType) // jwk: the bare public key (RFC 9449 §4.2)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.priv}, opts)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// signed says whether proof is a DPoP proof this key signed: one of
// authplay's own, perhaps from a preview, which is made afresh when sent.
func (k *DPoPKey) signed(proof string) bool {
	jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return false
	}
	_, err = jws.Verify(&k.priv.PublicKey)
	return err == nil
}

// ProofURL is the htu of a request to target: the URL without query and
// fragment (RFC 9449 §4.2).
func ProofURL(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("a DPoP proof needs an absolute URL, and %q is not one", target)
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
	return u.String(), nil
}

// AccessTokenHash is a proof's ath: base64url(SHA-256(access token)).
func AccessTokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
