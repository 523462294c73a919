package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// keysDir is where `authplay keygen` keeps the keys it makes: beside the
// profiles that name them, in a directory only its owner can enter.
func keysDir() (string, error) {
	p, err := store.ProfilesPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "keys"), nil
}

// keygenFlags are `authplay keygen`'s flags.
type keygenFlags struct {
	out string
	ec  bool
}

func newKeygenFlagSet(stdio IO) (*keygenFlags, *flag.FlagSet) {
	f := &keygenFlags{}
	fs := flag.NewFlagSet("authplay keygen", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&f.out, "out", "", "write the private key here (default: a new file under "+displayKeysDir()+")")
	fs.BoolVar(&f.ec, "ec", false, "make a P-256 key (ES256) instead of RSA 2048 (RS256)")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay keygen [--out PATH] [--ec]\n\nMakes a key pair for private_key_jwt client authentication and request objects:\nthe private key in a PEM file only you can read (0600), the public key on stdout\nas a JWK to register with the server. authplay never overwrites a key file.\n\n")
		fs.PrintDefaults()
	}
	return f, fs
}

// runKeygen makes a client key pair for private_key_jwt and request
// objects: the private half in a 0600 PEM file, the public half printed as
// a JWK for the server's registration of the client.
func runKeygen(args []string, stdio IO) int {
	f, fs := newKeygenFlagSet(stdio)
	if code := parseNoOperands(fs, args, stdio); code >= 0 {
		return code
	}
	out, ec := &f.out, &f.ec
	key, err := flows.GenerateClientKey(*ec)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay keygen:", err)
		return ExitFailed
	}
	path := *out
	if path == "" {
		dir, err := keysDir()
		if err != nil {
			fmt.Fprintln(stdio.Err, "authplay keygen:", err)
			return ExitFailed
		}
		path = filepath.Join(dir, "client-"+key.Thumbprint()[:12]+".pem")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // a profile names it from anywhere
	}
	pemBytes, err := key.PEM()
	if err == nil {
		err = writeNewPrivate(path, pemBytes)
	}
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay keygen:", err)
		return ExitFailed
	}
	jwk, err := key.PublicJWK()
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay keygen:", err)
		return ExitFailed
	}
	fmt.Fprintf(stdio.Out, "%s\n", jwk)
	fmt.Fprintf(stdio.Err, "authplay: wrote a new %s private key to %s (0600); it never leaves this machine.\n", key.Alg(), path)
	fmt.Fprintln(stdio.Err, "Register the public key above with the server, in the client's registration (its jwks, or a console's key upload), under kid "+key.Thumbprint()+". Then:")
	// The path is quoted for a shell (a config directory may hold a
	// space: ~/Library/Application Support on macOS) and for JSON.
	fmt.Fprintf(stdio.Err, "  authplay token --auth-style private_key_jwt --private-key-file %s --key-id %s ...\n", shellQuote(path), shellQuote(key.Thumbprint()))
	jsonPath, _ := json.Marshal(path)
	jsonKID, _ := json.Marshal(key.Thumbprint())
	fmt.Fprintf(stdio.Err, "or in a profile in profiles.json: \"auth_style\": \"private_key_jwt\", \"private_key_file\": %s, \"key_id\": %s\n", jsonPath, jsonKID)
	return ExitOK
}

func displayKeysDir() string {
	if d, err := keysDir(); err == nil {
		return d
	}
	return "the config directory"
}

// writeNewPrivate is store.CreatePrivate (0600 in 0700, never over an
// existing file) with keygen's words for a file that is there.
func writeNewPrivate(path string, data []byte) error {
	err := store.CreatePrivate(path, data)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; authplay never overwrites a key: name another file with --out", path)
	}
	return err
}

// loadClientKey reads the key file the draft names, so the run signs with
// it and a file that cannot be used is a usage error before anything is
// sent.
func loadClientKey(d *flows.Draft) error {
	if d.Params.PrivateKeyFile == "" || !flows.SpecOf(d.Method).Accepts(flows.FieldPrivateKeyFile) {
		return nil
	}
	k, err := flows.LoadClientKey(d.Params.PrivateKeyFile)
	if err != nil {
		return err
	}
	d.Creds.ClientKey = k
	return nil
}
