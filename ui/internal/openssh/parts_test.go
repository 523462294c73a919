package openssh

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// keyParts are the fields of an OpenSSH private key file, laid out here
// from PROTOCOL.key on their own (not by the code under test), so a test
// can build the exact bytes a file should have, or change one field to
// make a damaged file.
type keyParts struct {
	cipher, kdf, kdfOptions string
	count                   uint32
	pubType                 string
	pub                     []byte // the public key before the private part
	pubAfter                []byte // bytes after it, inside its blob
	check1, check2          uint32
	privType                string
	privPub, priv           []byte // the private part's key: public half, then seed and public half
	comment                 string
	rawComment              []byte // when set, these bytes stand where the comment's length and bytes go
	padding                 []byte // nil: 1, 2, 3... up to a whole 8-byte block
	after                   []byte // bytes after the private part
}

// testKey is a fixed ed25519 key made from a seed of n's.
func testKey(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

// goodParts are a well-formed unencrypted file for key.
func goodParts(key ed25519.PrivateKey, comment string, check uint32) keyParts {
	pub := key[ed25519.SeedSize:]
	return keyParts{
		cipher: "none", kdf: "none", count: 1,
		pubType: "ssh-ed25519", pub: pub,
		check1: check, check2: check,
		privType: "ssh-ed25519", privPub: pub, priv: key,
		comment: comment,
	}
}

func str(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

func (p keyParts) binary() []byte {
	var private []byte
	private = binary.BigEndian.AppendUint32(private, p.check1)
	private = binary.BigEndian.AppendUint32(private, p.check2)
	private = append(private, str([]byte(p.privType))...)
	private = append(private, str(p.privPub)...)
	private = append(private, str(p.priv)...)
	if p.rawComment != nil {
		private = append(private, p.rawComment...)
	} else {
		private = append(private, str([]byte(p.comment))...)
	}
	if p.padding == nil {
		for i := 1; len(private)%8 != 0; i++ {
			private = append(private, byte(i))
		}
	} else {
		private = append(private, p.padding...)
	}
	b := []byte("openssh-key-v1\x00")
	b = append(b, str([]byte(p.cipher))...)
	b = append(b, str([]byte(p.kdf))...)
	b = append(b, str([]byte(p.kdfOptions))...)
	b = binary.BigEndian.AppendUint32(b, p.count)
	b = append(b, str(append(append(str([]byte(p.pubType)), str(p.pub)...), p.pubAfter...))...)
	b = append(b, str(private)...)
	return append(b, p.after...)
}

// pemOf wraps a key's bytes as ssh-keygen does: 70 base64 characters a
// line (encoding/pem, and so MarshalPrivate, uses 64).
func pemOf(typ string, b []byte) []byte {
	text := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	out.WriteString("-----BEGIN " + typ + "-----\n")
	for len(text) > 70 {
		out.WriteString(text[:70] + "\n")
		text = text[70:]
	}
	out.WriteString(text + "\n-----END " + typ + "-----\n")
	return []byte(out.String())
}

func (p keyParts) pem() []byte { return pemOf("OPENSSH PRIVATE KEY", p.binary()) }

// damagedKey is a file ParsePrivate must refuse, the error it must wrap,
// and words its message must hold.
type damagedKey struct {
	name  string
	data  []byte
	want  error
	words []string
}

// damagedKeys are one file for each way a key can be refused.
func damagedKeys() []damagedKey {
	key, other := testKey(1), testKey(2)
	good := func() keyParts { return goodParts(key, "authplay-demo-app", 0x01020304) }
	with := func(change func(*keyParts)) []byte {
		p := good()
		change(&p)
		return p.pem()
	}
	full := good().binary()
	hostileName := "\x1b[31mred\x1b[0m" + strings.Repeat("x", 100)
	return []damagedKey{
		{"empty", nil, ErrNotPEM, nil},
		{"a public key pasted", []byte(AuthorizedKey(key.Public().(ed25519.PublicKey)) + " me\n"), ErrNotPEM, nil},
		{"a PKCS#8 key", pemOf("PRIVATE KEY", []byte{1, 2, 3}), ErrPEMType, []string{`"PRIVATE KEY"`}},
		{"a hostile PEM type", pemOf(hostileName, []byte{1}), ErrPEMType, []string{`"?[31mred?[0mxxx`, `..."`}},
		{"PEM headers", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n" + base64.StdEncoding.EncodeToString(full) + "\n-----END OPENSSH PRIVATE KEY-----\n"), ErrMalformed, []string{"headers"}},
		{"cut PEM text", good().pem()[:200], ErrTruncated, []string{"-----END"}},
		{"other magic", pemOf("OPENSSH PRIVATE KEY", append([]byte("openssh-key-v2\x00"), full[15:]...)), ErrMalformed, []string{"openssh-key-v1"}},
		{"passphrase", with(func(p *keyParts) { p.cipher, p.kdf, p.kdfOptions = "aes256-ctr", "bcrypt", "salt and rounds" }), ErrPassphrase, []string{"aes256-ctr", "only unprotected keys"}},
		{"hostile cipher name", with(func(p *keyParts) { p.cipher = hostileName }), ErrPassphrase, []string{"?[31m", `..."`}},
		{"a KDF with no cipher", with(func(p *keyParts) { p.kdf = "bcrypt" }), ErrMalformed, []string{"bcrypt"}},
		{"KDF options with no cipher", with(func(p *keyParts) { p.kdfOptions = "x" }), ErrMalformed, []string{"options"}},
		{"two keys", with(func(p *keyParts) { p.count = 2 }), ErrMalformed, []string{"2 keys"}},
		{"no keys", with(func(p *keyParts) { p.count = 0 }), ErrMalformed, []string{"0 keys"}},
		{"an RSA key", with(func(p *keyParts) { p.pubType, p.privType = "ssh-rsa", "ssh-rsa" }), ErrKeyType, []string{`"ssh-rsa"`, "only ssh-ed25519"}},
		{"a hostile key type", with(func(p *keyParts) { p.pubType = hostileName }), ErrKeyType, []string{"?[31m", `..."`}},
		{"another type inside", with(func(p *keyParts) { p.privType = "ssh-dss" }), ErrKeyType, []string{`"ssh-dss"`}},
		{"short public key", with(func(p *keyParts) { p.pub = p.pub[:31] }), ErrMalformed, []string{"31 bytes"}},
		{"short private key", with(func(p *keyParts) { p.priv = p.priv[:63] }), ErrMalformed, []string{"63 bytes"}},
		{"short public half", with(func(p *keyParts) { p.privPub = p.privPub[:16] }), ErrMalformed, []string{"16 bytes"}},
		{"a 33-byte public key", with(func(p *keyParts) { p.pub = append(append([]byte{}, p.pub...), 0) }), ErrMalformed, []string{"33 bytes"}},
		{"bytes after the public key", with(func(p *keyParts) { p.pubAfter = []byte{0} }), ErrMalformed, []string{"after the public key"}},
		{"check numbers differ", with(func(p *keyParts) { p.check2++ }), ErrCheckInts, nil},
		{"padding 1, 2, 3, 5", with(func(p *keyParts) { p.padding = []byte{1, 2, 3, 5} }), ErrPadding, []string{"byte 4 of the padding is 5"}},
		{"padding past a block", with(func(p *keyParts) { p.padding = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} }), ErrPadding, []string{"more than a block"}},
		{"no padding, part block", with(func(p *keyParts) { p.padding = []byte{} }), ErrPadding, []string{"blocks"}},
		{"bytes after the key", with(func(p *keyParts) { p.after = []byte{0} }), ErrMalformed, []string{"after the private part"}},
		{"another public key", with(func(p *keyParts) { p.pub = other[ed25519.SeedSize:] }), ErrKeyMismatch, nil},
		{"another public half", with(func(p *keyParts) { p.privPub = other[ed25519.SeedSize:] }), ErrKeyMismatch, nil},
		{"another key's seed", with(func(p *keyParts) {
			p.priv = append(append([]byte{}, other[:ed25519.SeedSize]...), key[ed25519.SeedSize:]...)
		}), ErrKeyMismatch, nil},
		{"a comment of 4 GiB", with(func(p *keyParts) { p.rawComment = []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0} }), ErrTruncated, []string{"the comment", "4294967295"}},
		{"a cipher name of 4 GiB", pemOf("OPENSSH PRIVATE KEY", append([]byte("openssh-key-v1\x00\xff\xff\xff\xff"), full[19:]...)), ErrTruncated, []string{"4294967295"}},
	}
}
