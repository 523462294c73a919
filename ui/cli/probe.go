package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/cli/browser"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
)

// `authplay probe` runs the lab's experiments headless: one stdout line
// per experiment (DEFENDED, VULNERABLE or SKIPPED), everything else on
// stderr; exit 1 when any is VULNERABLE.

// probeFlags are the probe's own flags, and the profile, endpoint and
// client flags of `authplay token`, for the code flow's fields.
type probeFlags struct {
	token                         *tokenFlags
	demo, yes, noBrowser, verbose bool
	only                          string
}

// How long an experiment waits for a person to sign in: in a browser
// authplay opened, or at a URL printed on stderr.
const (
	browserSignInWait = 2 * time.Minute
	printedSignInWait = lab.DefaultSignInWait
)

func parseProbeFlags(args []string, stdio IO) (*probeFlags, int) {
	f, fs := newProbeFlagSet(stdio)
	t := f.token
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ExitOK
		}
		return nil, ExitUsage
	}
	if fs.NArg() > 0 {
		return nil, usageError(stdio, "probe: unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(fl *flag.Flag) { t.set[fl.Name] = true })
	return f, -1
}

// newProbeFlagSet defines the flags; the completions and the man page
// read the same definitions (see commands).
func newProbeFlagSet(stdio IO) (*probeFlags, *flag.FlagSet) {
	t := &tokenFlags{set: map[string]bool{}, values: map[flows.FieldID]*string{}, envs: map[flows.FieldID]*string{}, files: map[flows.FieldID]*string{}}
	f := &probeFlags{token: t}
	fs := flag.NewFlagSet("authplay probe", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.BoolVar(&f.demo, "demo", false, "run the experiments against the built-in server, started in this process")
	fs.StringVar(&t.profile, "profile", "", "take the provider and client from this saved profile")
	fs.StringVar(&t.spaceURL, "space-url", "", "JetBrains Space service URL (endpoints follow from it)")
	fs.StringVar(&t.issuer, "issuer", "", "issuer URL: endpoints from its discovery document (revocation and introspection included)")
	code := flows.SpecOf(flows.AuthorizationCode)
	for _, fd := range flows.Fields() {
		switch {
		case !code.Accepts(fd.ID) && fd.Secret():
			t.envs[fd.ID], t.files[fd.ID] = new(string), new(string) // read by the draft, never set
		case !code.Accepts(fd.ID):
		case fd.Secret():
			t.envs[fd.ID] = fs.String(fd.Flag()+"-env", "", fd.Usage+": read it from this environment variable")
			t.files[fd.ID] = fs.String(fd.Flag()+"-file", "", fd.Usage+": read it from this file")
		default:
			t.values[fd.ID] = fs.String(fd.Flag(), "", fd.Usage)
		}
	}
	fs.StringVar(&t.secretValue, "client-secret", "", "the client secret itself (visible in the process list: prefer -env or -file)")
	fs.StringVar(&f.only, "only", "", "run only these experiments, comma-separated: "+strings.Join(lab.IDs(), ", "))
	fs.BoolVar(&f.noBrowser, "no-browser", false, "print the sign-in URL on stderr instead of opening a browser; a sign-in that does not come within 20 s is skipped")
	fs.BoolVar(&f.yes, "yes", false, "do not ask before running against a server on another machine (the experiments revoke the tokens they get)")
	fs.BoolVar(&f.verbose, "verbose", false, "print each experiment's steps and redacted HTTP exchanges on stderr")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, `Usage: authplay probe [--demo | --profile NAME | endpoint flags] [--only id,id] [--no-browser] [--yes]

Tries, for real, what an authorization server must refuse (a replayed code, a
missing PKCE verifier, a redirect URI it never registered, ...) and prints one
line per experiment on stdout: DEFENDED, VULNERABLE or SKIPPED, the id, what
the server did, and the RFC behind it. Everything else goes to stderr.
Exit codes: 0 nothing vulnerable, 1 something vulnerable, 2 usage, 130 interrupted.

`)
		fs.PrintDefaults()
	}
	return f, fs
}

// selected is the experiments --only names, in the catalogue's order.
func (f *probeFlags) selected() ([]lab.Experiment, error) {
	if strings.TrimSpace(f.only) == "" {
		return lab.Experiments(), nil
	}
	var ids []string
	for _, id := range strings.Split(f.only, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := lab.Find(id); !ok {
			return nil, fmt.Errorf("no experiment %q; choose among %s", id, strings.Join(lab.IDs(), ", "))
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("names no experiment; choose among %s", strings.Join(lab.IDs(), ", "))
	}
	var out []lab.Experiment
	for _, e := range lab.Experiments() {
		if slices.Contains(ids, e.ID) {
			out = append(out, e)
		}
	}
	return out, nil
}

func runProbe(args []string, stdio IO) int {
	f, code := parseProbeFlags(args, stdio)
	if code >= 0 {
		return code
	}
	experiments, err := f.selected()
	if err != nil {
		return usageError(stdio, "--only: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := flows.Env{HTTP: wire.NewClient(time.Minute), Loopback: loopback.New()}
	defer env.Loopback.CloseAll()
	wait, openBrowser := printedSignInWait, false
	if !f.noBrowser && canOpenBrowser() {
		wait, openBrowser = browserSignInWait, true
	}
	var target lab.Target
	if f.demo {
		for name := range f.token.set {
			if name != "demo" && name != "only" && name != "no-browser" && name != "yes" && name != "verbose" {
				return usageError(stdio, "--demo runs the built-in server; --%s cannot go with it", name)
			}
		}
		srv, err := startDemo("") // in memory: what the probe revokes is nobody's
		if err != nil {
			fmt.Fprintln(stdio.Err, "authplay: the built-in server could not start:", err)
			return ExitFailed
		}
		defer srv.Close()
		prof := demoProfile(srv)
		target = lab.Target{Params: prof.Params, Creds: prof.Creds}
		target.ForBuiltin(env.HTTP)
	} else {
		if f.token.profile == "" && f.token.spaceURL == "" && f.token.issuer == "" && !f.token.set["auth-url"] && !f.token.set["token-url"] {
			return usageError(stdio, "probe needs a server: --demo, --profile NAME, or --space-url, --issuer or --auth-url and --token-url with --client-id (authplay probe --help)")
		}
		f.token.timeout = wait
		d, code := f.token.draft(ctx, flows.AuthorizationCode, env, stdio)
		if code >= 0 {
			return code
		}
		target = lab.Target{Params: d.Params, Creds: d.Creds}
		target.ForBuiltin(env.HTTP)
		if hosts := lab.RemoteHosts(d.Params.Provider); len(hosts) > 0 && !f.yes {
			if code := confirmRemote(stdio, hosts); code >= 0 {
				return code
			}
		}
	}
	target.SignInWait = wait
	target.SignIn = func(_ context.Context, authURL string) error {
		offerSignIn(stdio, authURL, wait, openBrowser)
		return nil
	}
	target.Progress = func(s flows.Step) {
		if f.verbose {
			printStep(stdio, s)
		} else {
			printWarnings(stdio, s)
		}
	}
	return probe(ctx, experiments, env, target, stdio)
}

// probe runs the experiments in order and prints a verdict line for each.
func probe(ctx context.Context, experiments []lab.Experiment, env flows.Env, target lab.Target, stdio IO) int {
	vulnerable := 0
	for _, e := range experiments {
		fmt.Fprintf(stdio.Err, "authplay: %s: %s\n", e.ID, e.Title)
		res := e.Run(ctx, env, target)
		if ctx.Err() != nil {
			fmt.Fprintln(stdio.Err, "authplay: interrupted")
			return ExitInterrupted
		}
		fmt.Fprintln(stdio.Out, res.Line())
		if res.Verdict == lab.Vulnerable {
			vulnerable++
		}
	}
	if vulnerable > 0 {
		fmt.Fprintf(stdio.Err, "authplay: %d of %d experiments found the server vulnerable\n", vulnerable, len(experiments))
		return ExitFailed
	}
	return ExitOK
}

// offerSignIn shows a person where to sign in, as `authplay token` does:
// the URL alone on its line, so a script can pick it up.
func offerSignIn(stdio IO, authURL string, wait time.Duration, openBrowser bool) {
	fmt.Fprintf(stdio.Err, "authplay: sign in at the address below within %s\n", flows.Human(wait))
	fmt.Fprintln(stdio.Err, authURL)
	if !openBrowser {
		return
	}
	if err := flows.OpenableURL(authURL); err != nil {
		fmt.Fprintln(stdio.Err, "authplay: warning: not opened in a browser:", err)
		return
	}
	browser.Stdout, browser.Stderr = stdio.Err, stdio.Err
	if err := browser.OpenURL(authURL); err != nil {
		fmt.Fprintln(stdio.Err, "authplay: could not open a browser:", err)
	}
}

// confirmRemote asks before the experiments run against another machine:
// they get tokens there, and revoke them. It returns -1 to go on, or the
// exit code.
func confirmRemote(stdio IO, hosts []string) int {
	where := strings.Join(hosts, ", ")
	fmt.Fprintf(stdio.Err, "authplay: this revokes tokens at %s; go on? [y/N] ", where)
	var line string
	var err error
	if stdio.In != nil {
		line, err = bufio.NewReader(stdio.In).ReadString('\n')
	}
	switch answer := strings.ToLower(strings.TrimSpace(line)); {
	case answer == "y" || answer == "yes":
		return -1
	case stdio.In == nil || (err != nil && answer == ""):
		fmt.Fprintln(stdio.Err)
		return usageError(stdio, "probe: no answer came (stdin is closed); pass --yes to run the experiments against %s", where)
	}
	return usageError(stdio, "probe: nothing was sent to %s", where)
}
