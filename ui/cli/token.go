package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/ui"
)

// tokenFlags are `authplay token`'s flags.
type tokenFlags struct {
	flow, profile, spaceURL, issuer, authURL, tokenURL, deviceURL, apiBase string
	jwksURL                                                                string
	clientID, secretEnv, secretFile, secretValue                           string
	scope, authStyle, pkce, accessType, redirectURI                        string
	username, passwordEnv, passwordFile, refreshEnv, tokenEnv              string
	output                                                                 string
	timeout                                                                time.Duration
	noBrowser, verbose, strict                                             bool
	set                                                                    map[string]bool // flags given on the command line
}

func parseTokenFlags(args []string, stdio IO) (*tokenFlags, int) {
	f := &tokenFlags{set: map[string]bool{}}
	fs := flag.NewFlagSet("authplay token", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&f.flow, "flow", "", "client_credentials, authorization_code, implicit, password, refresh_token, device_code or permanent_token")
	fs.StringVar(&f.profile, "profile", "", "take the provider and client from this saved profile")
	fs.StringVar(&f.spaceURL, "space-url", "", "JetBrains Space service URL (endpoints follow from it)")
	fs.StringVar(&f.issuer, "issuer", "", "issuer URL: endpoints from its discovery document")
	fs.StringVar(&f.authURL, "auth-url", "", "authorization endpoint")
	fs.StringVar(&f.tokenURL, "token-url", "", "token endpoint")
	fs.StringVar(&f.deviceURL, "device-url", "", "device authorization endpoint")
	fs.StringVar(&f.apiBase, "api-base", "", "API base URL: permanent_token's test call, and the request --output curl writes")
	fs.StringVar(&f.jwksURL, "jwks-url", "", "key set URL (JWKS) to check JWT signatures against (discovery fills it)")
	fs.StringVar(&f.clientID, "client-id", "", "client ID")
	fs.StringVar(&f.secretEnv, "client-secret-env", "", "read the client secret from this environment variable")
	fs.StringVar(&f.secretFile, "client-secret-file", "", "read the client secret from this file")
	fs.StringVar(&f.secretValue, "client-secret", "", "the client secret itself (visible in the process list: prefer -env or -file)")
	fs.StringVar(&f.scope, "scope", "", `scope to request, space-separated ("**" is everything in Space)`)
	fs.StringVar(&f.authStyle, "auth-style", "", "client authentication: basic, body or none (default auto: basic with a client secret, none without)")
	fs.StringVar(&f.pkce, "pkce", "", "authorization_code: S256 (default), plain or off")
	fs.StringVar(&f.accessType, "access-type", "", "Space: online or offline (offline asks for a refresh token)")
	fs.StringVar(&f.redirectURI, "redirect-uri", "", "loopback redirect URI (default http://127.0.0.1:0/callback: any free port)")
	fs.BoolVar(&f.noBrowser, "no-browser", false, "print the URL to open on stderr instead of opening a browser")
	fs.StringVar(&f.username, "username", "", "password: the user")
	fs.StringVar(&f.passwordEnv, "password-env", "", "password: read the password from this variable")
	fs.StringVar(&f.passwordFile, "password-file", "", "password: read the password from this file")
	fs.StringVar(&f.refreshEnv, "refresh-token-env", "", "refresh_token: read the refresh token from this variable")
	fs.StringVar(&f.tokenEnv, "token-env", "", "permanent_token: read the token from this variable")
	fs.StringVar(&f.output, "output", "json", "what to print on stdout: "+ui.TokenFormNames())
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.BoolVar(&f.verbose, "verbose", false, "print each step's redacted HTTP exchange and the token checks on stderr")
	fs.BoolVar(&f.strict, "strict", false, "fail (exit 1) when a token check fails or a JWT's signature cannot be checked, and refuse to send credentials over plain http to another machine")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay token --flow NAME [flags]\n\nGets a token without the TUI: the result on stdout, everything else on stderr.\nExit codes: 0 token obtained, 1 the flow failed, 2 usage, 130 interrupted.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ExitOK
		}
		return nil, ExitUsage
	}
	if fs.NArg() > 0 {
		return nil, usageError(stdio, "token: unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	return f, -1
}

// flagsFor says which method-specific flags make sense for which flow.
var flagsFor = map[string][]flows.Method{
	"username": {flows.Password}, "password-env": {flows.Password}, "password-file": {flows.Password},
	"refresh-token-env": {flows.RefreshToken}, "token-env": {flows.PermanentToken},
	"pkce": {flows.AuthorizationCode}, "redirect-uri": {flows.AuthorizationCode, flows.Implicit},
	"no-browser":  {flows.AuthorizationCode, flows.Implicit, flows.DeviceCode},
	"access-type": {flows.AuthorizationCode, flows.Password}, "device-url": {flows.DeviceCode},
}

func runToken(args []string, stdio IO) int {
	f, code := parseTokenFlags(args, stdio)
	if code >= 0 {
		return code
	}
	if f.flow == "" {
		return usageError(stdio, "token: --flow is required (authplay token --help)")
	}
	m, err := flows.ParseMethod(f.flow)
	if err != nil {
		return usageError(stdio, "--flow: %v", err)
	}
	for name := range f.set {
		if ms, ok := flagsFor[name]; ok && !slices.Contains(ms, m) {
			return usageError(stdio, "--%s makes no sense for --flow %s", name, m)
		}
	}
	if !slices.ContainsFunc(ui.TokenForms, func(tf ui.TokenForm) bool { return tf.Name == f.output }) {
		return usageError(stdio, "--output %q: choose one of %s", f.output, ui.TokenFormNames())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	env := flows.Env{HTTP: wire.NewClient(min(f.timeout, time.Minute)), Loopback: loopback.New(), Strict: f.strict}
	defer env.Loopback.CloseAll()
	st, creds, code := f.state(ctx, m, env, stdio)
	if code >= 0 {
		return code
	}
	if f.secretValue != "" {
		fmt.Fprintln(stdio.Err, "authplay: warning: --client-secret shows in the process list; prefer --client-secret-env or --client-secret-file")
	}
	return runHeadless(ctx, f, st, creds, env, stdio)
}

// state builds the flow's first state from a profile and the flags (flags win).
func (f *tokenFlags) state(ctx context.Context, m flows.Method, env flows.Env, stdio IO) (flows.State, flows.Credentials, int) {
	var p flows.Params
	var creds flows.Credentials
	fail := func(format string, a ...any) (flows.State, flows.Credentials, int) {
		return flows.State{}, flows.Credentials{}, usageError(stdio, format, a...)
	}
	if f.profile != "" {
		path, err := store.ProfilesPath()
		if err != nil {
			return fail("--profile: %v", err)
		}
		ps, err := store.LoadProfiles(path)
		if err != nil {
			return fail("--profile: %v", err)
		}
		prof, err := store.FindProfile(ps, f.profile)
		if err != nil {
			return fail("--profile: %v", err)
		}
		if p, err = prof.Params(); err != nil {
			return fail("--profile: %v", err)
		}
		if creds, err = prof.Credentials(); err != nil {
			return fail("--profile: %v", err)
		}
		if prof.Provider.Kind == flows.KindDiscovery && p.Provider.TokenURL == "" && !f.set["issuer"] {
			f.issuer = or(prof.Provider.Issuer, prof.Provider.ServiceURL)
		}
	}
	switch {
	case f.spaceURL != "":
		prov, err := flows.Space(f.spaceURL)
		if err != nil {
			return fail("--space-url: %v", err)
		}
		p.Provider = prov
	case f.issuer != "":
		prov, _, err := flows.Discover(ctx, env.HTTP, f.issuer)
		if err != nil {
			fmt.Fprintf(stdio.Err, "authplay: discovery failed: %v\nfix: %s\n", err, flows.Explain(err, flows.ExplainContext{Endpoint: f.issuer}).Fix)
			return flows.State{}, flows.Credentials{}, ExitFailed
		}
		p.Provider = prov
	}
	for name, dst := range map[string]*string{"auth-url": &p.Provider.AuthURL, "token-url": &p.Provider.TokenURL, "device-url": &p.Provider.DeviceURL, "api-base": &p.Provider.APIBase, "jwks-url": &p.Provider.JWKSURL} {
		v := map[string]string{"auth-url": f.authURL, "token-url": f.tokenURL, "device-url": f.deviceURL, "api-base": f.apiBase, "jwks-url": f.jwksURL}[name]
		if v == "" {
			continue
		}
		if _, err := flows.ValidateURL("--"+name, v); err != nil {
			return fail("%v", err)
		}
		*dst = v
		if p.Provider.Kind == "" {
			p.Provider.Kind = flows.KindEndpoints
		}
	}
	if u := p.Provider; u.Name == "" {
		p.Provider.Name = or(u.ServiceURL, or(u.TokenURL, u.AuthURL))
	}
	if err := f.requireEndpoints(m, p.Provider); err != nil {
		return fail("%v", err)
	}
	setStr := func(name string, dst *string, v string) {
		if f.set[name] || *dst == "" {
			*dst = v
		}
	}
	setStr("client-id", &p.ClientID, f.clientID)
	setStr("scope", &p.Scope, f.scope)
	setStr("access-type", &p.AccessType, f.accessType)
	setStr("username", &p.Username, f.username)
	setStr("redirect-uri", &p.RedirectURI, or(f.redirectURI, "http://127.0.0.1:0/callback"))
	if f.set["auth-style"] || p.AuthStyle == "" {
		style, err := flows.ParseAuthStyle(f.authStyle)
		if err != nil {
			return fail("--auth-style: %v", err)
		}
		p.AuthStyle = style
	}
	if f.set["pkce"] || p.PKCE == "" {
		pk, err := flows.ParsePKCE(f.pkce)
		if err != nil {
			return fail("--pkce: %v", err)
		}
		p.PKCE = pk
	}
	p.Timeout = wire.Duration(f.timeout)
	if p.ClientID == "" && m != flows.PermanentToken {
		return fail("--flow %s needs --client-id (or --profile)", m)
	}
	secret, err := readSecret("--client-secret", f.secretEnv, f.secretFile, f.secretValue)
	if err != nil {
		return fail("%v", err)
	}
	if secret != "" {
		creds.ClientSecret = flows.Secret(secret)
	}
	st := flows.Start(m, p)
	switch m {
	case flows.Password:
		pw, err := readSecret("--password", f.passwordEnv, f.passwordFile, "")
		if err != nil {
			return fail("%v", err)
		}
		if pw != "" {
			creds.Password = flows.Secret(pw)
		}
		if p.Username == "" || creds.Password == "" {
			return fail("--flow password needs --username and --password-env (or --password-file)")
		}
	case flows.RefreshToken:
		rt, err := readSecret("--refresh-token", f.refreshEnv, "", "")
		if err != nil || rt == "" {
			return fail("--flow refresh_token needs --refresh-token-env naming a set variable")
		}
		st.Seed = flows.Secret(rt)
	case flows.PermanentToken:
		tok, err := readSecret("--token", f.tokenEnv, "", "")
		if err != nil || tok == "" {
			return fail("--flow permanent_token needs --token-env naming a set variable")
		}
		st.Seed = flows.Secret(tok)
	}
	return st, creds, -1
}

// requireEndpoints names the flag each flow still lacks.
func (f *tokenFlags) requireEndpoints(m flows.Method, p flows.Provider) error {
	var need []string
	if p.TokenURL == "" && m != flows.Implicit && m != flows.PermanentToken {
		need = append(need, "--token-url")
	}
	if p.AuthURL == "" && (m == flows.AuthorizationCode || m == flows.Implicit) {
		need = append(need, "--auth-url")
	}
	if p.DeviceURL == "" && m == flows.DeviceCode {
		need = append(need, "--device-url")
	}
	if p.APIBase == "" && p.UserinfoURL == "" && m == flows.PermanentToken {
		need = append(need, "--api-base")
	}
	if len(need) == 0 {
		return nil
	}
	return fmt.Errorf("--flow %s needs %s (or --space-url, --issuer or --profile)", m, strings.Join(need, " and "))
}

// readSecret takes a secret from a variable, a file or a value, in that order.
func readSecret(flagName, envName, file, value string) (string, error) {
	switch {
	case envName != "":
		v, ok := os.LookupEnv(envName)
		if !ok {
			return "", fmt.Errorf("%s-env: the variable %s is not set", flagName, envName)
		}
		return v, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s-file: cannot read %s: %v", flagName, file, errors.Unwrap(err))
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return value, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
