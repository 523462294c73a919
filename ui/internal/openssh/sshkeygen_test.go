package openssh

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// sshKeygen is OpenSSH's ssh-keygen (Debian's openssh-client), the tool
// whose format this package writes; without it the test skips, except
// under AUTHPLAY_E2E=1, where every real part must be there.
func sshKeygen(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ssh-keygen")
	if err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("AUTHPLAY_E2E=1 and ssh-keygen is missing (install openssh-client)")
		}
		t.Skip("ssh-keygen is not installed (openssh-client): the key files are not checked against OpenSSH")
	}
	return path
}

// keygen runs ssh-keygen with a deadline and gives its output; it fails
// the test if ssh-keygen does.
func keygen(t *testing.T, args ...string) string {
	t.Helper()
	out, err := tryKeygen(t, args...)
	if err != nil {
		t.Fatalf("ssh-keygen %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func tryKeygen(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sshKeygen(t), args...)
	cmd.Stdin = nil // a key it cannot read makes it ask for a passphrase: with no terminal it fails instead
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// writeKey writes a private key file as authplay does: 0600, which
// ssh-keygen insists on.
func writeKey(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 { // Windows has ACLs, not mode bits
		t.Fatalf("%s is %v, not 0600", path, info.Mode().Perm())
	}
	return path
}

// fingerprintOf is the SHA256 fingerprint ssh-keygen -l gives for a file,
// and the comment it shows with it.
func fingerprintOf(t *testing.T, path string) (fp, comment string) {
	t.Helper()
	// "256 SHA256:... comment words (ED25519)"
	out := strings.TrimSpace(keygen(t, "-l", "-E", "sha256", "-f", path))
	fields := strings.Fields(out)
	if len(fields) < 4 || fields[0] != "256" || fields[len(fields)-1] != "(ED25519)" {
		t.Fatalf("ssh-keygen -l said %q", out)
	}
	return fields[1], strings.Join(fields[2:len(fields)-1], " ")
}

// ssh-keygen reads the files MarshalPrivate writes: -y decodes the whole
// private part (check numbers, key, comment, padding) and prints the
// public line, -l the fingerprint, and both are ours.
func TestSSHKeygenReadsKeysWeWrite(t *testing.T) {
	sshKeygen(t)
	dir := t.TempDir()
	_, random, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := []struct {
		name    string
		key     ed25519.PrivateKey
		comment string
	}{
		{"rfc8032", rfc8032Key(t), "authplay-demo-app"},
		{"random", random, "authplay-x-1a2b3c4d"},
		{"odd comment", testKey(9), "a comment  with spaces and length 37"},
	}
	for _, k := range keys {
		pub := k.key.Public().(ed25519.PublicKey)
		path := writeKey(t, dir, k.name, MarshalPrivate(k.key, k.comment))

		if got, want := strings.TrimSpace(keygen(t, "-y", "-f", path)), AuthorizedKey(pub)+" "+k.comment; got != want {
			t.Errorf("%s: ssh-keygen -y:\n got %s\nwant %s", k.name, got, want)
		}
		fp, comment := fingerprintOf(t, path)
		if fp != FingerprintSHA256(pub) || comment != strings.Join(strings.Fields(k.comment), " ") {
			t.Errorf("%s: ssh-keygen -l: %s %q, ours %s %q", k.name, fp, comment, FingerprintSHA256(pub), k.comment)
		}
		if k.name == "rfc8032" && (fp != rfc8032Fingerprint || !strings.HasPrefix(keygen(t, "-y", "-f", path), rfc8032Line+" ")) {
			t.Errorf("ssh-keygen disagrees with the known line and fingerprint of RFC 8032's key: %s", fp)
		}
	}
}

// ssh-keygen rewrites a file of ours (-c, a new comment: it reads the
// private part and writes it again), and we read what it wrote.
func TestSSHKeygenRewritesKeysWeWrite(t *testing.T) {
	sshKeygen(t)
	key := testKey(6)
	path := writeKey(t, t.TempDir(), "k", MarshalPrivate(key, "first"))
	keygen(t, "-c", "-C", "second", "-f", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, comment, err := ParsePrivate(data)
	if err != nil || !got.Equal(key) || comment != "second" {
		t.Fatalf("after ssh-keygen -c: same key %v, comment %q, error %v", got.Equal(key), comment, err)
	}
}

// We read what `ssh-keygen -t ed25519 -N ""` makes: the same public line
// and fingerprint as ssh-keygen gives, and its comment. Written again by
// MarshalPrivate, it is still the same key to ssh-keygen.
func TestWeReadKeysSSHKeygenMakes(t *testing.T) {
	sshKeygen(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "made")
	keygen(t, "-q", "-t", "ed25519", "-N", "", "-C", "made by ssh-keygen", "-f", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, comment, err := ParsePrivate(data)
	if err != nil {
		t.Fatalf("ssh-keygen's key: %v\n%s", err, data)
	}
	if comment != "made by ssh-keygen" {
		t.Errorf("comment %q", comment)
	}
	pub := key.Public().(ed25519.PublicKey)
	pubFile, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := AuthorizedKey(pub)+" "+comment, strings.TrimSpace(string(pubFile)); got != want {
		t.Errorf("public line:\n ours %s\n ssh-keygen's %s", got, want)
	}
	if err := os.Remove(path + ".pub"); err != nil { // so -l reads the private file
		t.Fatal(err)
	}
	if fp, _ := fingerprintOf(t, path); fp != FingerprintSHA256(pub) {
		t.Errorf("fingerprint: ours %s, ssh-keygen's %s", FingerprintSHA256(pub), fp)
	}
	again := writeKey(t, dir, "again", MarshalPrivate(key, comment))
	if got := strings.TrimSpace(keygen(t, "-y", "-f", again)); got != strings.TrimSpace(string(pubFile)) {
		t.Errorf("written again, ssh-keygen reads another key: %s", got)
	}
}

// Keys ssh-keygen makes that authplay does not read are refused with an
// error that says why: a passphrase, another key type, another format.
func TestSSHKeygenKeysWeRefuse(t *testing.T) {
	sshKeygen(t)
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		want  error
		words []string
	}{
		{"passphrase", []string{"-t", "ed25519", "-N", "secret"}, ErrPassphrase, []string{"passphrase", `"aes256-ctr"`, "only unprotected keys"}},
		{"rsa", []string{"-t", "rsa", "-b", "2048", "-N", ""}, ErrKeyType, []string{`"ssh-rsa"`}},
		{"ecdsa", []string{"-t", "ecdsa", "-N", ""}, ErrKeyType, []string{`"ecdsa-sha2-nistp256"`}},
		{"rsa in PEM", []string{"-t", "rsa", "-b", "2048", "-m", "PEM", "-N", ""}, ErrPEMType, []string{`"RSA PRIVATE KEY"`}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
		keygen(t, append([]string{"-q", "-C", "c", "-f", path}, c.args...)...)
		for _, file := range []string{path, path + ".pub"} {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = ParsePrivate(data)
			if file == path+".pub" {
				if !errors.Is(err, ErrNotPEM) {
					t.Errorf("%s: the .pub file: %v, want ErrNotPEM", c.name, err)
				}
				continue
			}
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want one wrapping %q", c.name, err, c.want)
				continue
			}
			for _, w := range c.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: error %q does not say %q", c.name, err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: the error shows the passphrase: %s", c.name, err)
			}
		}
	}
}

// The damage ParsePrivate refuses in the private part, ssh-keygen refuses
// too: the check numbers and padding are OpenSSH's rules, not ours. One
// is ours alone: ssh-keygen takes padding 1, 2, 3... past a whole block,
// which it never writes; ParsePrivate takes only what OpenSSH writes.
func TestSSHKeygenRefusesWhatWeRefuse(t *testing.T) {
	sshKeygen(t)
	dir := t.TempDir()
	for _, d := range damagedKeys() {
		if d.want != ErrCheckInts && d.want != ErrPadding || d.name == "padding past a block" {
			continue
		}
		path := writeKey(t, dir, "damaged", d.data)
		if out, err := tryKeygen(t, "-y", "-f", path); err == nil {
			t.Errorf("%s: ssh-keygen read it:\n%s", d.name, out)
		}
	}
	// And it reads the same file undamaged: the refusals are not about
	// something else.
	path := writeKey(t, dir, "good", goodParts(testKey(1), "authplay-demo-app", 0x01020304).pem())
	keygen(t, "-y", "-f", path)
}
