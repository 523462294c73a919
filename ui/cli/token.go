package cli

import (
	"cmp"
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

// tokenFlags are `authplay token`'s flags: the command's own, and one for
// each of the flows' fields (a secret's by variable or file), defined from
// the field table so the form, the profile and the flags mean the same.
type tokenFlags struct {
	flow, profile, spaceURL, issuer, output string
	secretValue                             string // --client-secret VALUE: works, with a warning
	timeout                                 time.Duration
	noBrowser, verbose, strict, reuse       bool
	keep                                    int                                  // --keep-sessions
	given                                   map[string]string                    // the flags given and their values, for the recipe
	values                                  map[flows.FieldID]*string            // --token-url, --scope, …
	envs, files                             map[flows.FieldID]*string            // --client-secret-env, --password-file, …
	lists                                   map[flows.FieldID]flows.CustomParams // --auth-param k=v, repeated
	set                                     map[string]bool                      // flags given on the command line
}

func parseTokenFlags(args []string, stdio IO) (*tokenFlags, int) {
	f, fs := newTokenFlagSet(stdio)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ExitOK
		}
		return nil, ExitUsage
	}
	if fs.NArg() > 0 {
		return nil, usageError(stdio, "token: unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true; f.given[fl.Name] = fl.Value.String() })
	if f.keep < 1 {
		return nil, usageError(stdio, "--keep-sessions %d: keep at least 1", f.keep)
	}
	if f.reuse && f.profile == "" {
		return nil, usageError(stdio, "--reuse needs --profile: it reuses the tokens that profile's runs got")
	}
	return f, -1
}

// newTokenFlagSet defines the flags; the completions and the man page
// read the same definitions (see commands).
func newTokenFlagSet(stdio IO) (*tokenFlags, *flag.FlagSet) {
	f := &tokenFlags{set: map[string]bool{}, given: map[string]string{}, values: map[flows.FieldID]*string{}, envs: map[flows.FieldID]*string{}, files: map[flows.FieldID]*string{},
		lists: map[flows.FieldID]flows.CustomParams{}}
	fs := flag.NewFlagSet("authplay token", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	var methods []string
	for _, s := range flows.Specs() {
		methods = append(methods, string(s.Info.Method))
	}
	fs.StringVar(&f.flow, "flow", "", strings.Join(methods, ", "))
	fs.StringVar(&f.profile, "profile", "", "take the provider and client from this saved profile")
	fs.StringVar(&f.spaceURL, "space-url", "", "JetBrains Space service URL (endpoints follow from it)")
	fs.StringVar(&f.issuer, "issuer", "", "issuer URL: endpoints from its discovery document")
	for _, fd := range flows.Fields() {
		switch {
		case fd.Secret():
			f.envs[fd.ID] = fs.String(fd.Flag()+"-env", "", fd.Usage+": read it from this environment variable")
			f.files[fd.ID] = fs.String(fd.Flag()+"-file", "", fd.Usage+": read it from this file")
		case fd.Kind == flows.KindParams:
			// One pair a flag, the value as given (spaces and all):
			// --auth-param 'acr_values=urn:a urn:b'.
			fs.Func(fd.Flag(), fd.Usage, func(v string) error {
				p, err := flows.ParseCustomParam(v)
				f.lists[fd.ID] = append(f.lists[fd.ID], p)
				return err
			})
		case fd.Switch:
			f.values[fd.ID] = switchFlag(fs, fd)
		default:
			f.values[fd.ID] = fs.String(fd.Flag(), "", fd.Usage)
		}
	}
	fs.StringVar(&f.secretValue, "client-secret", "", "the client secret itself (visible in the process list: prefer -env or -file)")
	fs.BoolVar(&f.noBrowser, "no-browser", false, "print the URL to open on stderr instead of opening a browser")
	fs.StringVar(&f.output, "output", "json", "what to print on stdout: "+ui.TokenFormNames())
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.BoolVar(&f.verbose, "verbose", false, "print each step's redacted HTTP exchange and the token checks on stderr")
	fs.BoolVar(&f.reuse, "reuse", false, "print the profile's newest token for the same request if it has 60 s left (no request at all), else refresh it silently, else run the flow (needs --profile)")
	fs.IntVar(&f.keep, "keep-sessions", store.DefaultScriptedKept, "keep this many of the sessions authplay token made for the profile; the oldest go first")
	fs.BoolVar(&f.strict, "strict", false, "fail (exit 1) when a token check fails or a JWT's signature cannot be checked, and refuse to send credentials over plain http to another machine")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay token --flow NAME [flags]\n\nGets a token without the TUI: the result on stdout, everything else on stderr.\nExit codes: 0 token obtained, 1 the flow failed, 2 usage, 130 interrupted.\n\n")
		fs.PrintDefaults()
	}
	return f, fs
}

// fieldOf is the field a flag gives, if it gives one.
func fieldOf(flagName string) (flows.FieldDef, bool) {
	for _, fd := range flows.Fields() {
		if flagName == fd.Flag() || (fd.Secret() && (flagName == fd.Flag()+"-env" || flagName == fd.Flag()+"-file")) {
			return fd, true
		}
	}
	if flagName == "client-secret" {
		return flows.Field(flows.FieldClientSecret)
	}
	return flows.FieldDef{}, false
}

// notForThisServer names a flag whose field the method takes but the
// provider does not (Space's --access-type for another server), with what
// to do instead.
func (f *tokenFlags) notForThisServer(d flows.Draft) (name, why string) {
	for name := range f.set {
		if fd, ok := fieldOf(name); ok && !fd.Shown(&d) && flows.SpecOf(d.Method).Accepts(fd.ID) {
			return name, fd.Usage
		}
	}
	return "", ""
}

// misplaced names a flag that makes no sense for the method.
func (f *tokenFlags) misplaced(m flows.Method) string {
	spec := flows.SpecOf(m)
	for name := range f.set {
		if fd, ok := fieldOf(name); ok && !spec.Accepts(fd.ID) {
			return name
		}
		if name == "no-browser" && !spec.Info.Browser {
			return name
		}
	}
	return ""
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
	if name := f.misplaced(m); name != "" {
		return usageError(stdio, "--%s makes no sense for --flow %s", name, m)
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
	run := newScriptRun(f, m, stdio)
	run.openSoon()
	defer run.settle()
	if f.reuse {
		if code, done := run.reuse(ctx, env); done {
			return code
		}
	}
	d, code := f.draft(ctx, m, env, stdio)
	if code >= 0 {
		return code
	}
	if f.secretValue != "" {
		fmt.Fprintln(stdio.Err, "authplay: warning: --client-secret shows in the process list; prefer --client-secret-env or --client-secret-file")
	}
	// What the server's discovery document says against the run, before
	// anything is sent (known with --issuer; a saved profile does not keep
	// the document, and a script's token costs no extra request for it).
	for _, l := range d.Lint() {
		fmt.Fprintln(stdio.Err, "authplay: warning:", l)
	}
	st, creds := d.Start()
	return runHeadless(ctx, f, run, st, creds, env, stdio)
}

// draft is the one place a run's settings come together: the profile's,
// then the provider the flags name (Space, or an issuer's discovery), then
// each field's flag, which wins. What is still missing is named by flag.
func (f *tokenFlags) draft(ctx context.Context, m flows.Method, env flows.Env, stdio IO) (flows.Draft, int) {
	fail := func(format string, a ...any) (flows.Draft, int) {
		return flows.Draft{}, usageError(stdio, format, a...)
	}
	d := flows.Draft{Method: m}
	if f.profile != "" {
		prof, err := loadProfile(f.profile)
		if err != nil {
			return fail("--profile: %v", err)
		}
		if d, err = prof.Draft(m); err != nil {
			return fail("--profile: %v", err)
		}
		if prof.Provider.Kind == flows.KindDiscovery && d.Params.Provider.TokenURL == "" && !f.set["issuer"] {
			f.issuer = cmp.Or(prof.Provider.Issuer, prof.Provider.ServiceURL)
		}
	}
	switch {
	case f.spaceURL != "":
		prov, err := flows.Space(f.spaceURL)
		if err != nil {
			return fail("--space-url: %v", err)
		}
		d.Params.Provider = prov
	case f.issuer != "":
		client, err := wire.Trusting(env.HTTP, *f.values[flows.FieldCAFile])
		if err != nil {
			return fail("--ca-file: %v", err)
		}
		prov, ex, err := flows.Discover(ctx, client, f.issuer)
		if f.verbose {
			printStep(stdio, flows.DiscoveryStep(time.Now(), f.issuer, prov, ex, err))
		}
		if err != nil {
			fmt.Fprintf(stdio.Err, "authplay: discovery failed: %v\nfix: %s\n", err, flows.Explain(err, flows.ExplainContext{Endpoint: f.issuer}).Fix)
			return flows.Draft{}, ExitFailed
		}
		d.Params.Provider = prov
	}
	for id, v := range f.values {
		if f.set[strings.ReplaceAll(string(id), "_", "-")] {
			if err := d.Set(id, *v); err != nil {
				return fail("--%s: %v", strings.ReplaceAll(string(id), "_", "-"), err)
			}
		}
	}
	for id, given := range f.lists {
		// A flag's pair replaces the profile's of the same name; the
		// profile's others stay.
		have, _ := flows.ParseCustomParams(d.Get(id))
		if err := d.Set(id, have.Merge(given).String()); err != nil {
			fd, _ := flows.Field(id)
			return fail("--%s: %v", fd.Flag(), err)
		}
	}
	if name, why := f.notForThisServer(d); name != "" {
		return fail("--%s does not apply to this server (%s): %s", name, d.Params.Provider.FamilyOf(), why)
	}
	for _, fd := range flows.Fields() {
		if !fd.Secret() {
			continue
		}
		direct := ""
		if fd.ID == flows.FieldClientSecret {
			direct = f.secretValue
		}
		v, err := readSecret("--"+fd.Flag(), *f.envs[fd.ID], *f.files[fd.ID], direct)
		if err != nil {
			return fail("%v", err)
		}
		if v != "" {
			d.Set(fd.ID, v) //nolint:errcheck // a secret field takes any text
		}
	}
	if d.Params.Provider.Kind == "" && (d.Params.Provider.TokenURL != "" || d.Params.Provider.AuthURL != "" || d.Params.Provider.APIBase != "") {
		d.Params.Provider.Kind = flows.KindEndpoints
	}
	if p := &d.Params.Provider; p.Name == "" {
		p.Name = cmp.Or(p.ServiceURL, p.TokenURL, p.AuthURL, p.APIBase)
	}
	if err := loadClientKey(&d); err != nil {
		return fail("--private-key-file: %v", err)
	}
	d.Params.RedirectURI = cmp.Or(d.Params.RedirectURI, "http://127.0.0.1:0/callback")
	d.Params.Timeout = wire.Duration(f.timeout)
	if missing := f.missing(d); missing != "" {
		return fail("%s", missing)
	}
	return d, -1
}

// missing names, by flag, what the method still needs.
func (f *tokenFlags) missing(d flows.Draft) string {
	var urls, others []string
	for _, fe := range d.Check() {
		if !fe.Blocking() {
			continue
		}
		fd, _ := flows.Field(fe.Field)
		name := "--" + fd.Flag()
		if fd.Secret() {
			name += "-env (or " + name + "-file)"
		}
		if fe.Err != "required" {
			return name + ": " + fe.Err
		}
		if fd.Kind == flows.KindURL {
			urls = append(urls, name)
		} else {
			others = append(others, name)
		}
	}
	switch {
	case len(urls) > 0 && f.issuer != "":
		return fmt.Sprintf("--flow %s needs %s: the discovery document of %s names no such endpoint", d.Method, strings.Join(urls, " and "), f.issuer)
	case len(urls) > 0:
		return fmt.Sprintf("--flow %s needs %s (or --space-url, --issuer or --profile)", d.Method, strings.Join(append(urls, others...), " and "))
	case len(others) > 0:
		return fmt.Sprintf("--flow %s needs %s", d.Method, strings.Join(others, " and "))
	}
	return ""
}

// loadProfile finds a saved profile by name.
func loadProfile(name string) (store.Profile, error) {
	path, err := store.ProfilesPath()
	if err != nil {
		return store.Profile{}, err
	}
	ps, err := store.LoadProfiles(path)
	if err != nil {
		return store.Profile{}, err
	}
	return store.FindProfile(ps, name)
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
