package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/authplay/authplay/flows"
)

// Profile is a provider and a client registration, as a person writes it in
// profiles.json. Secrets are references (env:NAME or file:PATH) unless the
// person chose to save a value.
type Profile struct {
	Name         string         `json:"name"`
	Provider     flows.Provider `json:"provider"`
	ClientID     string         `json:"client_id,omitempty"`
	ClientSecret string         `json:"client_secret,omitempty"` // env:NAME, file:PATH, or a saved value
	AuthStyle    string         `json:"auth_style,omitempty"`
	RedirectURI  string         `json:"redirect_uri,omitempty"`
	Scope        string         `json:"scope,omitempty"`
	PKCE         string         `json:"pkce,omitempty"`
	AccessType   string         `json:"access_type,omitempty"`
	Username     string         `json:"username,omitempty"`
	Password     string         `json:"password,omitempty"` // env:NAME or file:PATH
	// ResponseMode and the custom parameters (an object, or a list of
	// "key=value" strings to repeat a name) apply to every flow that
	// takes them.
	ResponseMode string             `json:"response_mode,omitempty"`
	AuthParams   flows.CustomParams `json:"auth_params,omitempty"`
	TokenParams  flows.CustomParams `json:"token_params,omitempty"`

	// PrivateKeyFile is a path to the client's PEM private key (never the
	// key itself), with the kid it signs under.
	PrivateKeyFile string `json:"private_key_file,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
	// TLSCertFile and TLSKeyFile are paths to the client's TLS certificate
	// and its key (mutual TLS, RFC 8705); never the key itself.
	TLSCertFile string `json:"tls_cert_file,omitempty"`
	TLSKeyFile  string `json:"tls_key_file,omitempty"`
	// PAR and RequestObject are "on" to push the code flow's authorization
	// request (RFC 9126) or sign it (RFC 9101).
	PAR           string `json:"par,omitempty"`
	RequestObject string `json:"request_object,omitempty"`
}

type profilesFile struct {
	Comment  string    `json:"_comment,omitempty"`
	Profiles []Profile `json:"profiles"`
}

const profilesComment = "authplay profiles. Secrets: write env:VARIABLE or file:/path instead of a value. See README, Profiles."

// ProfilesPath is os.UserConfigDir()/authplay/profiles.json.
func ProfilesPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory: %w (set XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(dir, "authplay", "profiles.json"), nil
}

// LoadProfiles reads the profiles file; a missing file is no profiles. A
// syntax error names its line and column.
func LoadProfiles(path string) ([]Profile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f profilesFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, positioned(b, err))
	}
	seen := map[string]bool{}
	for i, p := range f.Profiles {
		switch {
		case strings.TrimSpace(p.Name) == "":
			return nil, fmt.Errorf("%s: profile %d has no name", path, i+1)
		case seen[p.Name]:
			return nil, fmt.Errorf("%s: two profiles are named %q", path, p.Name)
		}
		if err := flows.CheckFamily(p.Provider.Family); err != nil {
			return nil, fmt.Errorf("%s: profile %q: %w", path, p.Name, err)
		}
		seen[p.Name] = true
	}
	return f.Profiles, nil
}

// positioned adds line and column to a JSON error.
func positioned(b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := 1, 1
	for _, c := range b[:min(int(off), len(b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// SaveProfiles writes the file atomically (0600 in a 0700 directory). The
// old file is kept as profiles.json.bak, so nothing saved is lost.
func SaveProfiles(path string, ps []Profile) error {
	b, err := json.MarshalIndent(profilesFile{Comment: profilesComment, Profiles: ps}, "", "  ")
	if err != nil {
		return err
	}
	return replacePrivate(path, append(b, '\n'), true)
}

// AppendProfile adds a profile to the file, keeping the ones there.
func AppendProfile(path string, p Profile) error {
	existing, err := LoadProfiles(path)
	if err != nil {
		return err
	}
	return SaveProfiles(path, append(existing, p))
}

// WritePrivate writes a file only its owner can read (0600), in a
// directory only its owner can enter (0700), made if missing: reports,
// generated keys.
func WritePrivate(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// FindProfile returns the profile of that name.
func FindProfile(ps []Profile, name string) (Profile, error) {
	var names []string
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return Profile{}, fmt.Errorf("no profile %q: there are no profiles yet", name)
	}
	return Profile{}, fmt.Errorf("no profile %q; there are: %s", name, strings.Join(names, ", "))
}

// Draft turns the profile into a method's draft: its provider (a Space
// provider's endpoints completed from its service URL), each setting given
// to the field of the same name, and its secrets resolved from their
// references.
func (p Profile) Draft(m flows.Method) (flows.Draft, error) {
	d, err := p.settings(m)
	if err != nil {
		return d, err
	}
	d.Creds, err = p.Credentials()
	return d, err
}

// settings is the draft without the secrets.
func (p Profile) settings(m flows.Method) (flows.Draft, error) {
	prov := p.Provider
	if prov.Kind == flows.KindSpace && prov.TokenURL == "" {
		sp, err := flows.Space(prov.ServiceURL)
		if err != nil {
			return flows.Draft{}, fmt.Errorf("profile %q: %w", p.Name, err)
		}
		// What the profile says wins over what the service URL implies:
		// its family, extra endpoints, its CA.
		sp.Name = cmp.Or(prov.Name, p.Name)
		sp.Family, sp.Builtin, sp.CAFile = prov.Family, prov.Builtin, prov.CAFile
		sp.DeviceURL = cmp.Or(prov.DeviceURL, sp.DeviceURL)
		sp.JWKSURL = cmp.Or(prov.JWKSURL, sp.JWKSURL)
		sp.APIBase = cmp.Or(prov.APIBase, sp.APIBase)
		sp.IntrospectURL, sp.RevokeURL, sp.UserinfoURL = prov.IntrospectURL, prov.RevokeURL, prov.UserinfoURL
		sp.PARURL, sp.MTLSAliases = prov.PARURL, prov.MTLSAliases
		prov = sp
	}
	d := flows.Draft{Method: m, Params: flows.Params{Provider: prov, PKCE: flows.PKCES256, RedirectURI: "http://127.0.0.1:0/callback"}}
	// A profile that names a preset's family starts from the preset: its
	// fixed endpoints and its defaults (Cognito's localhost redirect,
	// GitHub's client authentication, Google's access_type and prompt),
	// each overridden by what the profile says. A family only implied by
	// the kind changes nothing, so profiles written before presets load as
	// they did.
	if pr, ok := flows.PresetOf(prov.Family); ok {
		d.Params = pr.Params(pr.Complete(prov))
	}
	// The profile's custom parameters replace the preset's of the same name.
	authParams := d.Params.AuthParams.Merge(p.AuthParams)
	if p.AccessType != "" && !prov.SpaceLike() && !slices.Contains(authParams.Keys(), "access_type") {
		// Saved before access_type became Space's alone: it was sent then,
		// so it still is, as the custom parameter it now is elsewhere.
		authParams = append(authParams, flows.CustomParam{Key: "access_type", Value: p.AccessType})
	}
	tokenParams := d.Params.TokenParams.Merge(p.TokenParams)
	for id, v := range map[flows.FieldID]string{
		flows.FieldClientID: p.ClientID, flows.FieldAuthStyle: p.AuthStyle, flows.FieldRedirectURI: p.RedirectURI, flows.FieldScope: p.Scope,
		flows.FieldPKCE: p.PKCE, flows.FieldAccessType: p.AccessType, flows.FieldUsername: p.Username,
		flows.FieldResponseMode: p.ResponseMode, flows.FieldAuthParams: authParams.String(), flows.FieldTokenParams: tokenParams.String(),
		flows.FieldPrivateKeyFile: p.PrivateKeyFile, flows.FieldKeyID: p.KeyID,
		flows.FieldTLSCertFile: p.TLSCertFile, flows.FieldTLSKeyFile: p.TLSKeyFile,
		flows.FieldPAR: p.PAR, flows.FieldRequestObject: p.RequestObject,
	} {
		if v == "" {
			continue
		}
		if err := d.Set(id, v); err != nil {
			return flows.Draft{}, fmt.Errorf("profile %q: %w", p.Name, err)
		}
	}
	return d, nil
}

// Params is the profile's settings, for any method.
func (p Profile) Params() (flows.Params, error) {
	d, err := p.settings("")
	return d.Params, err
}

// Credentials resolves the profile's secret references.
func (p Profile) Credentials() (flows.Credentials, error) {
	cs, err := ResolveSecret(p.ClientSecret)
	if err != nil {
		return flows.Credentials{}, fmt.Errorf("profile %q, client_secret: %w", p.Name, err)
	}
	pw, err := ResolveSecret(p.Password)
	if err != nil {
		return flows.Credentials{}, fmt.Errorf("profile %q, password: %w", p.Name, err)
	}
	return flows.Credentials{ClientSecret: cs, Password: pw}, nil
}

// ResolveSecret reads env:NAME or file:PATH; anything else is the value itself.
func ResolveSecret(ref string) (flows.Secret, error) {
	switch {
	case strings.HasPrefix(ref, "env:"):
		name := strings.TrimPrefix(ref, "env:")
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", fmt.Errorf("the environment variable %s is not set", name)
		}
		return flows.Secret(v), nil
	case strings.HasPrefix(ref, "file:"):
		path := strings.TrimPrefix(ref, "file:")
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
		}
		return flows.Secret(strings.TrimRight(string(b), "\r\n")), nil
	}
	return flows.Secret(ref), nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
