package openssh

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
)

const (
	pemType = "OPENSSH PRIVATE KEY"
	magic   = "openssh-key-v1\x00"
	// blockSize is what the private part is padded to: the cipher's block
	// size, which OpenSSH takes as 8 for the cipher "none".
	blockSize = 8
	// nameMax bounds a type or cipher name quoted in an error: the file
	// is whatever is on disk, and an error is shown on the screen.
	nameMax = 40
)

// The ways ParsePrivate refuses a file. Each error it returns wraps one of
// these (test with errors.Is) and says what it found; none of them carries
// any byte of the key.
var (
	// ErrNotPEM: no "-----BEGIN ...-----" block at all.
	ErrNotPEM = errors.New("it is not a PEM file: it has no -----BEGIN line")
	// ErrPEMType: a PEM block of another kind (a certificate, a PKCS#8 key).
	ErrPEMType = errors.New("its PEM block is not an OPENSSH PRIVATE KEY")
	// ErrPassphrase: the private part is encrypted.
	ErrPassphrase = errors.New("the key is protected by a passphrase")
	// ErrKeyType: an RSA, ECDSA or other key, not ed25519.
	ErrKeyType = errors.New("it is not an ed25519 key")
	// ErrCheckInts: the two check numbers at the start of the private part
	// differ, which is how OpenSSH notices a damaged (or wrongly
	// decrypted) private part.
	ErrCheckInts = errors.New("the private part is damaged: its two check numbers differ")
	// ErrPadding: the private part does not end in 1, 2, 3... up to a
	// whole block.
	ErrPadding = errors.New("the private part is damaged: its padding is wrong")
	// ErrKeyMismatch: the public key in the file is not the private key's.
	ErrKeyMismatch = errors.New("its public and private halves are not one key")
	// ErrMalformed: anything else that is not the format.
	ErrMalformed = errors.New("it is not in OpenSSH's private key format")
)

// MarshalPrivate is priv in OpenSSH's private key file format, as
// `ssh-keygen -t ed25519 -N ""` writes it: not encrypted, with comment.
// The check number is random, from crypto/rand, as OpenSSH's is. It
// panics if priv is not ed25519.PrivateKeySize bytes, as ed25519.Sign
// does: such a value is not a key.
func MarshalPrivate(priv ed25519.PrivateKey, comment string) []byte {
	var check [4]byte
	rand.Read(check[:]) // never fails: crypto/rand.Read crashes the program rather than return an error
	return marshalPrivate(priv, comment, binary.BigEndian.Uint32(check[:]))
}

// marshalPrivate is MarshalPrivate with a chosen check number.
func marshalPrivate(priv ed25519.PrivateKey, comment string, check uint32) []byte {
	if len(priv) != ed25519.PrivateKeySize {
		panic("openssh: an ed25519 private key of " + strconv.Itoa(len(priv)) + " bytes")
	}
	pub := priv.Public().(ed25519.PublicKey)

	// The private part: the check number twice, the key (type, public
	// half, the 64 bytes of seed and public half), the comment, padding.
	private := binary.BigEndian.AppendUint32(nil, check)
	private = binary.BigEndian.AppendUint32(private, check)
	private = appendString(private, []byte(keyType))
	private = appendString(private, pub)
	private = appendString(private, priv)
	private = appendString(private, []byte(comment))
	for i := byte(1); len(private)%blockSize != 0; i++ {
		private = append(private, i)
	}

	b := []byte(magic)
	b = appendString(b, []byte("none")) // cipher
	b = appendString(b, []byte("none")) // key derivation function
	b = appendString(b, nil)            // its options
	b = binary.BigEndian.AppendUint32(b, 1)
	b = appendString(b, publicBlob(pub))
	b = appendString(b, private)
	return pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: b})
}

// ParsePrivate reads an unencrypted ed25519 key in OpenSSH's private key
// file format: what MarshalPrivate and `ssh-keygen -t ed25519 -N ""`
// write. It gives the key and its comment (whatever bytes the file holds:
// sanitise it before showing it). Anything else is refused with an error
// wrapping one of the Err values above.
func ParsePrivate(data []byte) (ed25519.PrivateKey, string, error) {
	block, _ := pem.Decode(data)
	if block == nil && bytes.Contains(data, []byte("-----BEGIN ")) {
		return nil, "", fmt.Errorf("%w: its PEM block has no -----END line, or its base64 is damaged", ErrTruncated)
	}
	if block == nil {
		return nil, "", ErrNotPEM
	}
	if block.Type != pemType {
		return nil, "", fmt.Errorf("%w: it is a %q block", ErrPEMType, printable([]byte(block.Type)))
	}
	if len(block.Headers) != 0 {
		return nil, "", fmt.Errorf("%w: its PEM block has headers, which an OpenSSH key never has", ErrMalformed)
	}
	rest, ok := bytes.CutPrefix(block.Bytes, []byte(magic))
	if !ok {
		return nil, "", fmt.Errorf("%w: it does not start with %q", ErrMalformed, "openssh-key-v1")
	}
	r := wireReader{rest}
	cipher, err := r.string("the cipher name")
	if err != nil {
		return nil, "", err
	}
	kdf, err := r.string("the key derivation function's name")
	if err != nil {
		return nil, "", err
	}
	kdfOptions, err := r.string("the key derivation function's options")
	if err != nil {
		return nil, "", err
	}
	if string(cipher) != "none" {
		return nil, "", fmt.Errorf("%w, cipher %q, and authplay reads only unprotected keys", ErrPassphrase, printable(cipher))
	}
	if string(kdf) != "none" {
		return nil, "", fmt.Errorf("%w: no cipher, yet a key derivation function %q", ErrMalformed, printable(kdf))
	}
	if len(kdfOptions) != 0 {
		return nil, "", fmt.Errorf("%w: no cipher, yet options for a key derivation function (%d bytes)", ErrMalformed, len(kdfOptions))
	}
	n, err := r.uint32("the number of keys")
	if err != nil {
		return nil, "", err
	}
	if n != 1 {
		return nil, "", fmt.Errorf("%w: it says it holds %d keys, not one", ErrMalformed, n)
	}
	pubBlob, err := r.string("the public key")
	if err != nil {
		return nil, "", err
	}
	private, err := r.string("the private part")
	if err != nil {
		return nil, "", err
	}
	if len(r.rest) != 0 {
		return nil, "", fmt.Errorf("%w: extra bytes after the private part (%d)", ErrMalformed, len(r.rest))
	}
	pub, err := parsePublicBlob(pubBlob)
	if err != nil {
		return nil, "", err
	}
	priv, comment, err := parsePrivatePart(private)
	if err != nil {
		return nil, "", err
	}
	if !bytes.Equal(priv[ed25519.SeedSize:], pub) {
		return nil, "", fmt.Errorf("%w: the public key ahead of the private part is another key's", ErrKeyMismatch)
	}
	return priv, comment, nil
}

// parsePublicBlob is the 32-byte key in an ed25519 public key's wire form.
func parsePublicBlob(blob []byte) ([]byte, error) {
	r := wireReader{blob}
	typ, err := r.string("the public key's type")
	if err != nil {
		return nil, err
	}
	if string(typ) != keyType {
		return nil, keyTypeError(typ)
	}
	pub, err := r.string("the public key")
	if err != nil {
		return nil, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: the public key is %d bytes, and an ed25519 key is %d", ErrMalformed, len(pub), ed25519.PublicKeySize)
	}
	if len(r.rest) != 0 {
		return nil, fmt.Errorf("%w: extra bytes after the public key (%d)", ErrMalformed, len(r.rest))
	}
	return pub, nil
}

// parsePrivatePart reads the (unencrypted) private part: the check
// numbers, the key, its comment and the padding.
func parsePrivatePart(p []byte) (ed25519.PrivateKey, string, error) {
	if len(p)%blockSize != 0 {
		return nil, "", fmt.Errorf("%w: the private part is %d bytes, not whole %d-byte blocks", ErrPadding, len(p), blockSize)
	}
	r := wireReader{p}
	check1, err := r.uint32("the first check number")
	if err != nil {
		return nil, "", err
	}
	check2, err := r.uint32("the second check number")
	if err != nil {
		return nil, "", err
	}
	if check1 != check2 {
		return nil, "", ErrCheckInts
	}
	typ, err := r.string("the private key's type")
	if err != nil {
		return nil, "", err
	}
	if string(typ) != keyType {
		return nil, "", keyTypeError(typ)
	}
	pub, err := r.string("the private key's public half")
	if err != nil {
		return nil, "", err
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, "", fmt.Errorf("%w: the private key's public half is %d bytes, and an ed25519 one is %d", ErrMalformed, len(pub), ed25519.PublicKeySize)
	}
	priv, err := r.string("the private key")
	if err != nil {
		return nil, "", err
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, "", fmt.Errorf("%w: the private key is %d bytes, and an ed25519 one is %d", ErrMalformed, len(priv), ed25519.PrivateKeySize)
	}
	comment, err := r.string("the comment")
	if err != nil {
		return nil, "", err
	}
	if len(r.rest) >= blockSize {
		return nil, "", fmt.Errorf("%w: %d bytes of padding, more than a block", ErrPadding, len(r.rest))
	}
	for i, c := range r.rest {
		if c != byte(i+1) {
			return nil, "", fmt.Errorf("%w: byte %d of the padding is %d, not %d", ErrPadding, i+1, c, i+1)
		}
	}
	// An ed25519 private key is its 32-byte seed, then its public key; the
	// public key is also given alone. All three must be one key: made
	// again from the seed, the key must match both copies.
	key := ed25519.NewKeyFromSeed(priv[:ed25519.SeedSize])
	if !bytes.Equal(key[ed25519.SeedSize:], priv[ed25519.SeedSize:]) || !bytes.Equal(key[ed25519.SeedSize:], pub) {
		return nil, "", fmt.Errorf("%w: the public half beside the private key is not the one its seed makes", ErrKeyMismatch)
	}
	return key, string(comment), nil
}

func keyTypeError(typ []byte) error {
	return fmt.Errorf("%w: it is %q, and authplay reads only %s keys", ErrKeyType, printable(typ), keyType)
}

// printable is a name read from a file, fit for an error message: bytes
// other than printable ASCII become '?', and it is cut to nameMax
// characters, so a hostile file cannot put escape sequences or a
// screenful of text on the screen.
func printable(name []byte) string {
	cut := len(name) > nameMax
	if cut {
		name = name[:nameMax-3]
	}
	out := make([]byte, len(name), len(name)+3)
	for i, c := range name {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	if cut {
		out = append(out, "..."...)
	}
	return string(out)
}
