package openssh

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// rfc8032Key is the key of RFC 8032's first Ed25519 test vector. Its line
// and fingerprint below are what golang.org/x/crypto/ssh gave for it, and
// what ssh-keygen gives (TestSSHKeygenReadsKeysWeWrite checks that).
func rfc8032Key(t testing.TB) ed25519.PrivateKey {
	seed, err := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

const (
	rfc8032Line        = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
	rfc8032Fingerprint = "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8"
)

func TestPublicLineAndFingerprintOfAKnownKey(t *testing.T) {
	pub := rfc8032Key(t).Public().(ed25519.PublicKey)
	if got := AuthorizedKey(pub); got != rfc8032Line {
		t.Errorf("AuthorizedKey:\n got %s\nwant %s", got, rfc8032Line)
	}
	if got := FingerprintSHA256(pub); got != rfc8032Fingerprint {
		t.Errorf("FingerprintSHA256:\n got %s\nwant %s", got, rfc8032Fingerprint)
	}
}

// The file MarshalPrivate writes is, byte for byte, the layout of
// PROTOCOL.key as keyParts builds it: magic, cipher and KDF "none", no
// KDF options, one key, its public blob, then the private part with the
// check number twice, the key, the comment and padding 1, 2, 3...
func TestMarshalPrivateLayout(t *testing.T) {
	for _, comment := range []string{"", "a", "authplay-demo-app", "seven77", "eight888", strings.Repeat("é", 100)} {
		key := testKey(7)
		got := marshalPrivate(key, comment, 0xdeadbeef)
		block, rest := pem.Decode(got)
		if block == nil || block.Type != "OPENSSH PRIVATE KEY" || len(block.Headers) != 0 || len(rest) != 0 {
			t.Fatalf("comment %q: not one bare OPENSSH PRIVATE KEY block:\n%s", comment, got)
		}
		if want := goodParts(key, comment, 0xdeadbeef).binary(); !bytes.Equal(block.Bytes, want) {
			t.Errorf("comment %q: the file's bytes differ from PROTOCOL.key's layout:\n got %x\nwant %x", comment, block.Bytes, want)
		}
	}
}

// checkNumbers are the two check numbers of a file MarshalPrivate wrote.
func checkNumbers(t *testing.T, file []byte) (uint32, uint32) {
	t.Helper()
	block, _ := pem.Decode(file)
	if block == nil {
		t.Fatalf("not PEM:\n%s", file)
	}
	r := wireReader{block.Bytes[len(magic):]}
	for range 3 { // cipher, KDF, KDF options
		if _, err := r.string("a name"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.uint32("count"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.string("public key"); err != nil {
		t.Fatal(err)
	}
	private, err := r.string("private part")
	if err != nil || len(private) < 8 {
		t.Fatalf("no private part: %v", err)
	}
	return binary.BigEndian.Uint32(private), binary.BigEndian.Uint32(private[4:])
}

// OpenSSH's check number is random, so that a wrong passphrase shows as
// two numbers that differ: each file has one number twice, and two files
// of the same key have different ones.
func TestMarshalPrivateCheckNumberIsRandom(t *testing.T) {
	key := testKey(3)
	seen := map[uint32]bool{}
	for range 8 {
		a, b := checkNumbers(t, MarshalPrivate(key, "c"))
		if a != b {
			t.Fatalf("the two check numbers of one file differ: %#x %#x", a, b)
		}
		seen[a] = true
	}
	if len(seen) < 7 { // eight draws of 32 random bits collide with odds of about 1 in 600 million
		t.Errorf("eight files of one key had only %d check numbers: not random", len(seen))
	}
}

func TestParsePrivateReadsWhatMarshalPrivateWrites(t *testing.T) {
	for i, comment := range []string{"", "authplay-demo-app", "spaces and\ttabs", strings.Repeat("long ", 200), "\x00\xff bytes"} {
		key := testKey(byte(i + 10))
		got, gotComment, err := ParsePrivate(MarshalPrivate(key, comment))
		if err != nil {
			t.Fatalf("comment %q: %v", comment, err)
		}
		if !got.Equal(key) || gotComment != comment {
			t.Errorf("comment %q: read back another key or comment %q", comment, gotComment)
		}
	}
}

// ssh-keygen's lines are 70 characters, not encoding/pem's 64; text
// before the block is skipped, as pem does.
func TestParsePrivateTakesOtherLineWidths(t *testing.T) {
	key := testKey(5)
	data := append([]byte("a note above the key\n"), goodParts(key, "k", 42).pem()...)
	got, comment, err := ParsePrivate(data)
	if err != nil || !got.Equal(key) || comment != "k" {
		t.Fatalf("a 70-column key: key equal %v, comment %q, error %v", got.Equal(key), comment, err)
	}
}

// Every way a file can be wrong has its own error, which says what was
// found, quotes no more than 40 printable characters of the file, and
// never a byte of the key.
func TestParsePrivateRefusals(t *testing.T) {
	sentinels := []error{ErrNotPEM, ErrPEMType, ErrPassphrase, ErrKeyType, ErrCheckInts, ErrPadding, ErrKeyMismatch, ErrMalformed, ErrTruncated}
	for _, d := range damagedKeys() {
		t.Run(d.name, func(t *testing.T) {
			key, comment, err := ParsePrivate(d.data)
			if err == nil {
				t.Fatalf("accepted, comment %q", comment)
			}
			if key != nil || comment != "" {
				t.Error("a refused file still gave a key or comment")
			}
			if !errors.Is(err, d.want) {
				t.Fatalf("error %q, want one wrapping %q", err, d.want)
			}
			for _, other := range sentinels {
				if other != d.want && errors.Is(err, other) {
					t.Errorf("error %q also wraps %q", err, other)
				}
			}
			msg := err.Error()
			for _, w := range d.words {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			assertSafeMessage(t, msg)
		})
	}
}

// assertSafeMessage fails when an error message could harm a terminal or
// leak the test keys' bytes.
func assertSafeMessage(t *testing.T, msg string) {
	t.Helper()
	for _, c := range []byte(msg) {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("error %q holds byte %#x, not printable ASCII", msg, c)
		}
	}
	if q := strings.Index(msg, `"`); q >= 0 {
		if end := strings.Index(msg[q+1:], `"`); end > 40 {
			t.Errorf("error %q quotes %d characters of the file, more than 40", msg, end)
		}
	}
	for _, n := range []byte{1, 2} {
		k := testKey(n)
		for _, secret := range []string{hex.EncodeToString(k.Seed()), string(k.Seed())} {
			if strings.Contains(msg, secret) {
				t.Fatalf("error %q holds a private key", msg)
			}
		}
	}
}

// A file cut anywhere after its magic is ErrTruncated, never a panic or a
// read past the end.
func TestParsePrivateCutAnywhere(t *testing.T) {
	full := goodParts(testKey(4), "cut me", 9).binary()
	for n := len(magic); n < len(full); n++ {
		_, _, err := ParsePrivate(pemOf("OPENSSH PRIVATE KEY", full[:n]))
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut to %d of %d bytes: %v, want ErrTruncated", n, len(full), err)
		}
	}
}

// A length of 4 GiB in a 200-byte file allocates nothing for it: the
// reader slices what is there or refuses.
func TestParsePrivateHostileLengthAllocatesLittle(t *testing.T) {
	var data []byte
	for _, d := range damagedKeys() {
		if d.name == "a comment of 4 GiB" {
			data = d.data
		}
	}
	if data == nil {
		t.Fatal("no such damaged key")
	}
	const runs = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		if _, _, err := ParsePrivate(data); !errors.Is(err, ErrTruncated) {
			t.Fatalf("%v, want ErrTruncated", err)
		}
	}
	runtime.ReadMemStats(&after)
	if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 16<<10 {
		t.Errorf("refusing a %d-byte file allocated %d bytes", len(data), perRun)
	}
}

func TestMarshalPrivatePanicsOnANonKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a 10-byte private key was written as a key")
		}
	}()
	MarshalPrivate(make(ed25519.PrivateKey, 10), "c")
}
