package ui

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/authplay/authplay/ui/internal/openssh"
)

// keyNameMax bounds the part of a key's file name taken from the client
// ID: a file name has 255 bytes at most, and a client ID has no bound.
const keyNameMax = 48

// keyName is the name the guide's SSH key goes by, in its file name and
// its comment, made from the client ID. A client ID is whatever the
// profile says (slashes, dots, escape sequences), so only letters, digits,
// '.', '_' and '-' are kept; when anything was changed or cut, a short hash
// of the whole ID keeps two IDs that clean alike from sharing one key.
// The name has no path separator and starts with "authplay-", so it is
// never "." or "..": joined to a directory, it stays inside it.
func keyName(clientID string) string {
	if clientID == "" {
		clientID = "app"
	}
	clean := []byte(clientID)
	for i, c := range clean {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			clean[i] = '-'
		}
	}
	name := string(clean)
	if len(name) > keyNameMax {
		name = name[:keyNameMax]
	}
	if name != clientID {
		sum := sha256.Sum256([]byte(clientID))
		name += "-" + hex.EncodeToString(sum[:4])
	}
	return "authplay-" + name
}

// keyPath is where the private key for a client ID lives: in keys/ under
// the state dir, one file per client ID.
func keyPath(stateDir, clientID string) string {
	return filepath.Join(stateDir, "keys", keyName(clientID)+"-ed25519")
}

// keyFiles are the doors the key is made through, all called from a
// command: make a pair, read an existing key, create a new file (never
// replacing one).
type keyFiles struct {
	generate func() (ed25519.PublicKey, ed25519.PrivateKey, error)
	read     func(string) ([]byte, error)
	create   func(string, []byte) error
}

// makeOrShowKey gives the key pair at path: the one already there, whose
// public half is shown again (it may be registered on the server already;
// replacing it would lock the app out of Git), or a new one, saved. With
// no state dir, the pair is only shown.
func makeOrShowKey(path, comment string, files keyFiles, owner int) keyMadeMsg {
	if path != "" {
		data, err := files.read(path)
		switch {
		case err == nil:
			out := existingKey(data, comment, owner)
			if out.err != nil {
				out.err = fmt.Errorf("%s is there but is not an OpenSSH private key authplay can read (%w); it was left alone: move it away to make a new pair", path, out.err)
			}
			out.saved, out.existed = path, true
			return out
		case !errors.Is(err, fs.ErrNotExist):
			return keyMadeMsg{owner: owner, err: err}
		}
	}
	_, priv, err := files.generate()
	if err != nil {
		return keyMadeMsg{owner: owner, err: err}
	}
	if len(priv) != ed25519.PrivateKeySize {
		return keyMadeMsg{owner: owner, err: fmt.Errorf("the key generator gave %d bytes, not an ed25519 private key", len(priv))}
	}
	// The public half shown is the saved key's own, made from it.
	out := publicKeyMsg(priv.Public().(ed25519.PublicKey), comment, owner)
	if path == "" {
		return out
	}
	if err := files.create(path, openssh.MarshalPrivate(priv, comment)); err != nil {
		if errors.Is(err, fs.ErrExist) { // made elsewhere since it was read: that one is kept
			return keyMadeMsg{owner: owner, err: fmt.Errorf("a key appeared at %s while this one was made; it was kept: press the key again to see it", path)}
		}
		return keyMadeMsg{owner: owner, err: err}
	}
	out.saved = path
	return out
}

// existingKey is the public half of a saved private key. It is shown with
// the comment the guide gives it (the key's name), not the file's: that
// one is whatever bytes the file holds.
func existingKey(data []byte, comment string, owner int) keyMadeMsg {
	priv, _, err := openssh.ParsePrivate(data)
	if err != nil {
		return keyMadeMsg{owner: owner, err: err}
	}
	return publicKeyMsg(priv.Public().(ed25519.PublicKey), comment, owner)
}

func publicKeyMsg(pub ed25519.PublicKey, comment string, owner int) keyMadeMsg {
	return keyMadeMsg{owner: owner, pub: openssh.AuthorizedKey(pub) + " " + comment, fp: openssh.FingerprintSHA256(pub)}
}
