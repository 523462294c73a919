package openssh

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
)

// FuzzParsePrivate: whatever the file, ParsePrivate never panics; what it
// refuses, it refuses with one of its errors, in printable ASCII; what it
// accepts is a real ed25519 key that MarshalPrivate writes again and
// ParsePrivate reads back to the same key and comment.
func FuzzParsePrivate(f *testing.F) {
	f.Add(MarshalPrivate(testKey(1), "authplay-demo-app"))
	f.Add(MarshalPrivate(testKey(2), ""))
	f.Add(goodParts(testKey(3), "made by ssh-keygen", 0x5a5a5a5a).pem()) // 70-column lines, as ssh-keygen writes
	f.Add(goodParts(testKey(4), "eight888", 7).binary())                 // the bytes without their PEM
	for _, d := range damagedKeys() {
		f.Add(d.data)
	}
	sentinels := []error{ErrNotPEM, ErrPEMType, ErrPassphrase, ErrKeyType, ErrCheckInts, ErrPadding, ErrKeyMismatch, ErrMalformed, ErrTruncated}
	f.Fuzz(func(t *testing.T, data []byte) {
		key, comment, err := ParsePrivate(data)
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("an error of no known kind: %v", err)
			}
			for _, c := range []byte(err.Error()) {
				if c < 0x20 || c > 0x7e {
					t.Fatalf("error %q holds byte %#x", err, c)
				}
			}
			return
		}
		if len(key) != ed25519.PrivateKeySize || !bytes.Equal(key, ed25519.NewKeyFromSeed(key.Seed())) {
			t.Fatalf("accepted a key that is not an ed25519 key: %x", key.Public())
		}
		again, againComment, err := ParsePrivate(MarshalPrivate(key, comment))
		if err != nil {
			t.Fatalf("an accepted key, written again, is refused: %v", err)
		}
		if !again.Equal(key) || againComment != comment {
			t.Fatalf("an accepted key, written again, reads back as another key or comment (%q, was %q)", againComment, comment)
		}
	})
}
