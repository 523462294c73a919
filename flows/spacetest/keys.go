package spacetest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const keyBits = 2048

// keySlot hands out the signing key, made (or read from its file) when a
// signature first needs it: starting the server, and with it the TUI's
// first frame, never waits for RSA key generation (about 40 ms of CPU),
// nor shares the CPU with it; on a first run the first token pays.
type keySlot struct {
	once  sync.Once
	gen   func() (*rsa.PrivateKey, error)
	ready chan struct{}
	key   *rsa.PrivateKey
	err   error
	kid   string
}

func newKeySlot(gen func() (*rsa.PrivateKey, error)) *keySlot {
	return &keySlot{gen: gen, ready: make(chan struct{})}
}

// start begins making the key, once.
func (ks *keySlot) start() {
	ks.once.Do(func() {
		go func() {
			defer close(ks.ready)
			ks.key, ks.err = ks.gen()
			if ks.err == nil {
				ks.kid = keyID(&ks.key.PublicKey)
			}
		}()
	})
}

func (ks *keySlot) get() (*rsa.PrivateKey, error) {
	ks.start()
	select {
	case <-ks.ready:
	case <-time.After(30 * time.Second):
		return nil, errors.New("signing key is still being generated")
	}
	return ks.key, ks.err
}

// keyID is the RFC 7638 thumbprint, so the same key always gets the same kid.
func keyID(pub *rsa.PublicKey) string {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "spacetest"
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

var sharedKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}

// SharedTestKey returns one RSA key per process, so that a test suite that
// starts many servers pays for key generation once.
func SharedTestKey() (*rsa.PrivateKey, error) {
	sharedKey.once.Do(func() { sharedKey.key, sharedKey.err = rsa.GenerateKey(rand.Reader, keyBits) })
	return sharedKey.key, sharedKey.err
}

// loadOrCreateKey keeps the key in dir so tokens signed yesterday still
// verify. When two processes start on a fresh directory at once, both make a
// key but only the first one's is kept, and the other process reads it back:
// otherwise each would sign with a key the other cannot verify.
func loadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	if k, err := readKey(path); !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	err = createFileOnce(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if errors.Is(err, os.ErrExist) {
		return readKey(path)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

func readKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s is not a PEM file; move it aside to let a new key be made", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T, not an RSA key", path, k)
	}
	return rk, nil
}

// signJWT signs claims as Space does: RS512 and a header of {"alg":"RS512"}
// with no kid (space-oauth.md §5), so verifiers must try every key in the set.
func signJWT(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS512, Key: key}, nil)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

func jwks(ks *keySlot) ([]byte, error) {
	key, err := ks.get()
	if err != nil {
		return nil, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &key.PublicKey, KeyID: ks.kid, Algorithm: string(jose.RS512), Use: "sig",
	}}}
	return json.Marshal(set)
}

// atHash is the OIDC at_hash: the left half of the hash of the access token,
// with the hash matching the ID token's algorithm (SHA-512 for RS512).
func atHash(accessToken string) string {
	sum := sha512.Sum512([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// PKCE S256: base64url(SHA-256(verifier)), RFC 7636 §4.2.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
