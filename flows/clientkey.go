package flows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// A client's own key pair, for the mechanisms in which the client signs
// instead of sending a secret: private_key_jwt client authentication (RFC
// 7523 §2.2), request objects (RFC 9101) and the JWT-bearer grant's
// assertion (RFC 7523 §2.1). The private half is read from a PEM file the
// person names (private_key_file) and is never saved, shown or sent; only
// its public half leaves this machine, as a JWK for the server's
// registration.

// ClientKey is a private key read from a PEM file, ready to sign.
type ClientKey struct {
	// Path is the file it was read from.
	Path string
	// KeyID is the kid its signatures name; empty names none, and the
	// server tries each key registered for the client.
	KeyID  string
	signer crypto.Signer
	alg    jose.SignatureAlgorithm
}

// maxKeyFile bounds what is read from a key file: a PEM private key is a
// few kilobytes, so anything far larger is the wrong file.
const maxKeyFile = 64 << 10

// LoadClientKey reads the private key in the PEM file at path.
func LoadClientKey(path string) (*ClientKey, error) {
	if path == "" {
		return nil, errors.New("no private key file is named; give one (authplay keygen makes one)")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the private key file %s cannot be read: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("the private key file %s cannot be read: %w", path, unwrapPathError(err))
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("%s is larger than %d KiB: not a PEM private key", path, maxKeyFile>>10)
	}
	k, err := ParseClientKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	k.Path = path
	return k, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseClientKey reads an RSA or EC private key from PEM: PKCS #8
// ("PRIVATE KEY"), PKCS #1 ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE
// KEY"), skipping the EC PARAMETERS block openssl writes before one. Each
// refusal says what the file holds instead.
func ParseClientKey(pemBytes []byte) (*ClientKey, error) {
	rest := pemBytes
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, errors.New("no PEM private key found (a key file starts with -----BEGIN PRIVATE KEY-----)")
		}
		if _, encrypted := blk.Headers["Proc-Type"]; encrypted || blk.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("the private key is encrypted with a passphrase; write it without one (openssl pkey -in KEY -out PLAIN.pem) and keep that file 0600")
		}
		var key any
		var err error
		switch blk.Type {
		case "EC PARAMETERS":
			continue
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(blk.Bytes)
		case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
			return nil, fmt.Errorf("holds a %s, the public half: signing needs the private key", pemTypeName(blk.Type))
		default:
			return nil, fmt.Errorf("holds a PEM block of type %q, not a private key", blk.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("the %s block does not parse: %v", blk.Type, err)
		}
		return newClientKey(key)
	}
}

func pemTypeName(t string) string {
	if t == "CERTIFICATE" {
		return "certificate"
	}
	return "public key"
}

// newClientKey picks the signing algorithm the key implies: RS256 for
// RSA (at least 2048 bits, RFC 7518 §3.3), ES256, ES384 or ES512 for the
// NIST curves (§3.4).
func newClientKey(key any) (*ClientKey, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; RS256 wants at least 2048 (RFC 7518 §3.3)", bits)
		}
		return &ClientKey{signer: k, alg: jose.RS256}, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return &ClientKey{signer: k, alg: jose.ES256}, nil
		case elliptic.P384():
			return &ClientKey{signer: k, alg: jose.ES384}, nil
		case elliptic.P521():
			return &ClientKey{signer: k, alg: jose.ES512}, nil
		}
		return nil, fmt.Errorf("the EC key is on curve %s; use P-256 (ES256), P-384 or P-521", k.Curve.Params().Name)
	case ed25519.PrivateKey:
		return nil, errors.New("the key is Ed25519; few servers take EdDSA client assertions, so authplay signs with RSA or EC (P-256) keys")
	}
	return nil, fmt.Errorf("the key is a %T; use an RSA or EC key", key)
}

// GenerateClientKey makes a new key: P-256 (ES256) when ec is set, else
// RSA 2048 (RS256), which every server takes.
func GenerateClientKey(ec bool) (*ClientKey, error) {
	if ec {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return newClientKey(k)
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return newClientKey(k)
}

// PEM is the private key as a PKCS #8 PEM file.
func (k *ClientKey) PEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Alg is the JWS algorithm the key signs with.
func (k *ClientKey) Alg() string { return string(k.alg) }

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the public key,
// base64url: the kid a registration made from PublicJWK names it by.
func (k *ClientKey) Thumbprint() string {
	jwk := jose.JSONWebKey{Key: k.signer.Public()}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// PublicJWK is the public half as a JWK with its use, algorithm and
// thumbprint as kid: what a server's client registration wants (RFC 7591
// §2's jwks). The private half is never part of it.
func (k *ClientKey) PublicJWK() ([]byte, error) {
	jwk := jose.JSONWebKey{Key: k.signer.Public(), KeyID: k.Thumbprint(), Algorithm: string(k.alg), Use: "sig"}
	return json.MarshalIndent(jwk, "", "  ")
}

// String never shows the key.
func (k *ClientKey) String() string {
	if k == nil {
		return ""
	}
	return k.Path + " (" + string(k.alg) + " private key)"
}

// assertionLife is how long a client assertion authplay signs is good
// for: long enough for a slow network, short enough that a copy is soon
// useless (RFC 7523 §3 asks for a limit; servers take minutes).
const assertionLife = 5 * time.Minute

// AssertionClaims are the claims of an assertion issued by iss about sub,
// for the server aud: valid from now for five minutes, with a fresh random
// jti so the server can refuse a copy (RFC 7523 §3).
func AssertionClaims(iss, sub, aud string, now time.Time) map[string]any {
	return map[string]any{"iss": iss, "sub": sub, "aud": aud, "jti": randomToken(), "iat": now.Unix(), "exp": now.Add(assertionLife).Unix()}
}

// SignAssertion signs claims as a JWT (typ JWT) with the key, naming its
// KeyID when it has one: a JWT-bearer grant's assertion (RFC 7523 §2.1)
// or a client assertion (§2.2).
func SignAssertion(key *ClientKey, claims map[string]any) (string, error) {
	if key == nil {
		return "", errors.New("no private key to sign with; name one (--private-key-file, or authplay keygen to make one)")
	}
	return key.sign("JWT", claims)
}

func (k *ClientKey) sign(typ string, claims map[string]any) (string, error) {
	return signJWT(jose.SigningKey{Algorithm: k.alg, Key: k.signer}, k.KeyID, typ, claims)
}

// signJWT signs claims with a key or an HMAC secret, with typ and (when
// given) kid in the protected header.
func signJWT(sk jose.SigningKey, kid, typ string, claims map[string]any) (string, error) {
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(sk, opts)
	if err != nil {
		return "", fmt.Errorf("cannot sign with this key: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing failed: %w", err)
	}
	return jws.CompactSerialize()
}

// derivedID is a value for a run's nth use of a purpose, made from the
// run's secret random value: unpredictable to anyone else, yet the same
// each time it is computed, so the request shown before a step carries
// the jti the step sends.
func derivedID(seed Secret, purpose string, n int) string {
	if seed == "" {
		return randomToken()
	}
	h := sha256.New()
	fmt.Fprintf(h, "authplay %s %d\x00", purpose, n)
	h.Write([]byte(seed.Reveal()))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}
