package openssh

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
)

// keyType is the SSH name of the one key type this package handles.
const keyType = "ssh-ed25519"

// publicBlob is the key's SSH wire form (RFC 8709): the type name, then
// the 32-byte key, each as a string. authorized_keys lines and
// fingerprints are made from it.
func publicBlob(pub ed25519.PublicKey) []byte {
	b := make([]byte, 0, 4+len(keyType)+4+len(pub))
	b = appendString(b, []byte(keyType))
	return appendString(b, pub)
}

// AuthorizedKey is pub's line for an authorized_keys file (or a Git
// host's "add SSH key" box), without a comment: "ssh-ed25519 " and the
// base64 of its wire form. pub is a 32-byte key, as ed25519 and
// ParsePrivate give it.
func AuthorizedKey(pub ed25519.PublicKey) string {
	return keyType + " " + base64.StdEncoding.EncodeToString(publicBlob(pub))
}

// FingerprintSHA256 is pub's fingerprint as ssh-keygen -l and Git hosts
// show it: "SHA256:" and the unpadded base64 of the SHA-256 of its wire
// form.
func FingerprintSHA256(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(publicBlob(pub))
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}
