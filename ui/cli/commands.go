package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/themes"
	"github.com/authplay/authplay/ui"
)

// command is one of authplay's commands. Main runs it by name, and the
// usage, the shell completions and the man page describe it, all from
// this one entry: flags builds the very flag set run parses (with values
// bound to variables nobody reads), so what they describe cannot drift
// from what is accepted. A new command is one more entry in commands.
type command struct {
	name     string // what follows authplay; "" is authplay itself (the TUI)
	synopsis string // the arguments, as the usage and the man page show them
	summary  string // one line: the usage, completion descriptions, the man page
	flags    func(stdio IO) *flag.FlagSet
	run      func(args []string, stdio IO) int
	// operands are the words accepted as positional arguments, offered
	// by the completions.
	operands []string
	// values lists, per flag, the values the command accepts, from the
	// same list it checks them against. Flags that set a choice field of
	// flows (--auth-style, --pkce, …) need no entry: their choices are
	// the field's that Draft.Set takes for one of fieldMethods.
	values       map[string]func() []string
	fieldMethods []flows.Method
}

// root is authplay without a command: the playground.
func root() command {
	return command{
		synopsis: "[--demo] [--flow NAME] [--theme NAME]",
		summary:  "open the playground",
		flags:    func(stdio IO) *flag.FlagSet { _, fs := newRootFlagSet(stdio); return fs },
		run:      runTUI,
		values:   map[string]func() []string{"flow": methodNames, "theme": themes.Names},
	}
}

// commands are authplay's commands, in the order the usage lists them.
// A function, not a variable: the completion and man commands list the
// table they are in.
func commands() []command {
	return []command{
		{name: "token", synopsis: "--flow NAME [flags]", summary: "get a token without the TUI",
			flags:        func(stdio IO) *flag.FlagSet { _, fs := newTokenFlagSet(stdio); return fs },
			run:          runToken,
			values:       map[string]func() []string{"flow": methodNames, "output": tokenFormNames},
			fieldMethods: methods()},
		{name: "endpoint", synopsis: "--listen 127.0.0.1:PORT [flags]", summary: "verify the requests Space sends to an application",
			flags:  func(stdio IO) *flag.FlagSet { _, fs := newEndpointFlagSet(stdio); return fs },
			run:    runEndpoint,
			values: map[string]func() []string{"output": func() []string { return endpointOutputs }}},
		{name: "sign", synopsis: "--signing-key-env VAR --body-file FILE --url URL", summary: "sign a body as Space would, then send it or print curl",
			flags:  func(stdio IO) *flag.FlagSet { _, fs := newSignFlagSet(stdio); return fs },
			run:    runSign,
			values: map[string]func() []string{"output": func() []string { return signOutputs }}},
		{name: "demo-server", synopsis: "[--addr 127.0.0.1:9090] [--dir DIR]", summary: "run the built-in server in the foreground",
			flags:  func(stdio IO) *flag.FlagSet { _, fs := newDemoServerFlagSet(stdio); return fs },
			run:    runDemoServer,
			values: map[string]func() []string{"weak": spacetest.Weaknesses}},
		{name: "probe", synopsis: "[--demo | --profile NAME | endpoint flags] [--only ID,ID]", summary: "try, for real, what an authorization server must refuse",
			flags:        func(stdio IO) *flag.FlagSet { _, fs := newProbeFlagSet(stdio); return fs },
			run:          runProbe,
			values:       map[string]func() []string{"only": lab.IDs},
			fieldMethods: []flows.Method{flows.AuthorizationCode}}, // the experiments run the code flow
		{name: "providers", synopsis: "[--output json] [NAME]", summary: "the providers with presets: what each needs, what to register",
			flags:    func(stdio IO) *flag.FlagSet { _, fs := newProvidersFlagSet(stdio); return fs },
			run:      runProviders,
			operands: presetNames(),
			values:   map[string]func() []string{"output": func() []string { return []string{"text", "json"} }}},
		{name: "keygen", synopsis: "[--out PATH] [--ec]", summary: "make a client key pair for private_key_jwt and request objects; prints the public JWK",
			flags: func(stdio IO) *flag.FlagSet { _, fs := newKeygenFlagSet(stdio); return fs },
			run:   runKeygen},
		{name: "version", summary: "print the version and the commit it was built from",
			flags: newVersionFlagSet, run: runVersion},
		{name: "completion", synopsis: "bash|zsh|fish", summary: "print a shell completion script",
			flags: newCompletionFlagSet, run: runCompletion, operands: shellNames()},
		{name: "man", summary: "print the manual page (roff)",
			flags: newManFlagSet, run: runMan},
	}
}

// lookupCommand finds a command by name.
func lookupCommand(name string) (command, bool) {
	cs := commands()
	if i := slices.IndexFunc(cs, func(c command) bool { return c.name == name }); i >= 0 {
		return cs[i], true
	}
	return command{}, false
}

// parseFlags parses args; a code >= 0 means the command ends there with
// it (--help is a success, a bad flag a usage error the flag package has
// already explained).
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	return -1
}

// writeRootUsage is `authplay --help`: every command, then the
// playground's flags.
func writeRootUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, "authplay: an OAuth 2.0 playground for the terminal\n\nUsage:\n")
	lines := [][2]string{{"authplay " + root().synopsis, root().summary}}
	for _, c := range commands() {
		lines = append(lines, [2]string{strings.TrimSpace("authplay " + c.name + " " + c.synopsis), c.summary})
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n      %s\n", l[0], l[1])
	}
	fmt.Fprint(w, "\nEach command explains its flags: authplay token --help.\n\nFlags:\n")
	fs.PrintDefaults()
}

// methods are the flows --flow accepts; methodNames, by their canonical names.
func methods() []flows.Method {
	var out []flows.Method
	for _, s := range flows.Specs() {
		out = append(out, s.Info.Method)
	}
	return out
}

func methodNames() []string {
	var out []string
	for _, m := range methods() {
		out = append(out, string(m))
	}
	return out
}

func tokenFormNames() []string {
	var out []string
	for _, f := range ui.TokenForms {
		out = append(out, f.Name)
	}
	return out
}
