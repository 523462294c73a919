// Package cli is authplay's command line: it parses arguments, wires the
// store, the built-in server and the TUI together, and runs the headless
// commands. main sets the User-Agent's version (ReadBuild) and calls Main.
//
// The commands are one table (commands.go): Main runs them from it, and
// --help, the shell completions and the man page describe them from it,
// walking the very flag sets the commands parse.
//
// `authplay token` takes one flag per flows field (a secret by variable or
// file), defined from the same table as the TUI's form, and builds the
// run's draft in one place (tokenFlags.draft): a profile, then the
// provider the flags name, then each field's flag. The run goes through
// the session store like the TUI's, holding its credentials in memory.
//
// Everything written to stderr passes a termsafe.Writer: messages quote
// servers, and a server must not drive the terminal through them. stdout
// carries results, exactly, or nothing.
package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/atotto/clipboard"
	"github.com/charmbracelet/x/ansi"
	"github.com/cli/browser"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/themes"
	"github.com/authplay/authplay/ui"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main runs authplay with args (without the program name) and returns the exit code.
func Main(args []string, stdio IO) int {
	// Messages quote what servers said; a server must not drive the
	// terminal through them. stdout carries results, which are exact.
	stdio.Err = termsafe.NewWriter(stdio.Err)
	if len(args) > 0 {
		if c, ok := lookupCommand(args[0]); ok {
			return c.run(args[1:], stdio)
		}
		switch args[0] {
		case "--version":
			return runVersion(nil, stdio)
		case "help":
			args = []string{"--help"}
		}
	}
	return runTUI(args, stdio)
}

func usageError(stdio IO, format string, a ...any) int {
	fmt.Fprintf(stdio.Err, "authplay: "+format+"\n", a...)
	return ExitUsage
}

// rootFlags are the playground's flags.
type rootFlags struct {
	demo, noBrowser, step bool
	flow, theme, profile  string
}

func newRootFlagSet(stdio IO) (*rootFlags, *flag.FlagSet) {
	f := &rootFlags{}
	fs := flag.NewFlagSet("authplay", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.BoolVar(&f.demo, "demo", false, "use the built-in offline Space-compatible server")
	fs.StringVar(&f.flow, "flow", "", "open this flow's form at once ("+strings.Join(methodNames(), ", ")+")")
	fs.StringVar(&f.theme, "theme", "", "colour theme (default: the last one chosen with ctrl+t, else "+themes.Default()+")")
	fs.BoolVar(&f.noBrowser, "no-browser", false, "never open a browser; show the URL to open yourself")
	fs.StringVar(&f.profile, "profile", "", "start with this saved profile")
	fs.BoolVar(&f.step, "step", false, "step mode: pause before each request, to look at it, edit it or skip it (ctrl+p toggles it)")
	fs.Usage = func() { writeRootUsage(stdio.Err, fs) }
	return f, fs
}

func runTUI(args []string, stdio IO) int {
	f, fs := newRootFlagSet(stdio)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stdio, "unknown command %q (see authplay --help)", fs.Arg(0))
	}
	if f.theme != "" {
		if err := themes.Check(f.theme); err != nil {
			return usageError(stdio, "%v", err)
		}
	}
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var method flows.Method
	if f.flow != "" {
		m, err := flows.ParseMethod(f.flow)
		if err != nil {
			return usageError(stdio, "--flow: %v", err)
		}
		method = m
	}
	// The renderer measures cells with x/ansi's wcwidth, and its first
	// rune above U+02FF (the rules and marks of every screen) makes
	// go-runewidth fill its width table, about 1 ms. Filled now, beside the
	// setup below and the renderer's wait for its first tick, the first
	// frame does not wait for it. (The table's build is once-only and safe
	// beside readers.)
	go ansi.WcWidth.StringWidth("─")
	stateDir, err := store.DefaultDir()
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	// The store opens in the first command that needs it, after the
	// first frame (lazystore.go).
	st := newLazySessions(stateDir)
	lb := loopback.New()
	defer lb.CloseAll()
	httpClient := wire.NewClient(30 * time.Second)
	env := flows.Env{HTTP: httpClient, Loopback: lb}
	if !f.noBrowser && canOpenBrowser() {
		env.OpenBrowser = browser.OpenURL
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard // a browser's chatter must not garble the screen
	deps := ui.Deps{
		Sessions: st, Env: env, OpenBrowser: env.OpenBrowser, Clipboard: systemClipboard(),
		CreateFile: store.CreatePrivate, GenerateKey: func() (ed25519.PublicKey, ed25519.PrivateKey, error) { return ed25519.GenerateKey(rand.Reader) },
		StateDir: stateDir, Theme: f.theme, Flow: method, StepMode: f.step,
	}
	// Remembered choices, unless the command line says otherwise.
	if path, err := store.SettingsPath(); err == nil {
		deps.SaveSettings = func(s store.Settings) error { return store.SaveSettings(path, s) }
		saved, err := store.LoadSettings(path)
		if err != nil {
			deps.ProfileNote = err.Error()
		}
		if deps.Theme == "" && themes.Check(saved.Theme) == nil {
			deps.Theme = saved.Theme
		}
		if !given["step"] {
			deps.StepMode = saved.StepMode
		}
	}
	// The start screen lists the built-in server first, then saved profiles;
	// --demo and --flow go straight to the flows with the chosen profile.
	var saved []ui.Profile
	if path, err := store.ProfilesPath(); err == nil {
		deps.ProfilesPath = path
		deps.SaveProfile = func(p store.Profile) error { return store.AppendProfile(path, p) }
		stored, err := store.LoadProfiles(path)
		if err != nil {
			deps.ProfileNote = strings.TrimSpace(deps.ProfileNote + " Your profiles could not be read, so only the built-in server is offered: " + err.Error())
		}
		for _, sp := range stored {
			saved = append(saved, ui.ProfileFromStore(sp))
		}
	}
	// --profile: a saved profile (names are unique: the loader refuses two
	// alike), else the built-in server's, which is made with the server.
	chosen := -1
	if f.profile != "" {
		chosen = slices.IndexFunc(saved, func(p ui.Profile) bool { return p.Name == f.profile })
	}
	if f.profile != "" && chosen < 0 && f.profile != demoProfileName {
		return usageError(stdio, "--profile %q: no such profile (see %s)", f.profile, deps.ProfilesPath)
	}
	listProfiles := !f.demo && f.profile == "" && method == ""
	// The built-in server starts, and the App is made, beside Bubble
	// Tea's own start (the terminal set up, the first frame's wait for the
	// renderer's tick): the first frame needs them, not sooner.
	boot := newBoot(func() (tea.Model, func(), error) {
		srv, err := startDemo(stateDir)
		if err != nil {
			return nil, nil, fmt.Errorf("the built-in server could not start: %w", err)
		}
		d := deps
		d.Demo = demoApprover{srv: srv, client: httpClient}
		d.Profile = demoProfile(srv)
		if listProfiles {
			d.Profiles = append([]ui.Profile{d.Profile}, saved...)
		}
		if chosen >= 0 {
			d.Profile = saved[chosen]
		}
		return ui.New(d), srv.Close, nil
	})
	defer boot.close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// lipgloss detected the terminal's colours when it was loaded (inside
	// tmux that runs `tmux info`); Bubble Tea takes that answer instead of
	// asking again before the first frame.
	p := tea.NewProgram(boot, tea.WithContext(ctx), tea.WithColorProfile(lipgloss.Writer.Profile))
	_, err = p.Run()
	if boot.err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", boot.err)
		return ExitFailed
	}
	code := tuiExitCode(err)
	if code == ExitFailed {
		fmt.Fprintln(stdio.Err, "authplay:", err)
	}
	return code
}

// tuiExitCode is the exit code of the TUI's end: interrupted (ctrl+c, a
// signal, the context) is 130; a failure, a recovered panic among them,
// is 1. Bubble Tea reports a panic as ErrProgramKilled wrapping
// ErrProgramPanic, so the panic is looked for first: it is a bug, not a
// person's ctrl+c, and a script must not read it as one.
func tuiExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, tea.ErrProgramPanic):
		return ExitFailed
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled):
		return ExitInterrupted
	}
	return ExitFailed
}

// canOpenBrowser avoids spawning a browser where none can show: a headless
// Linux box without a display would only print errors.
func canOpenBrowser() bool {
	if os.Getenv("BROWSER") != "" || runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// systemClipboard returns a writer to the X, Wayland or OS clipboard when
// one is reachable; OSC 52 covers the rest.
func systemClipboard() func(string) error {
	if clipboard.Unsupported {
		return nil
	}
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	return clipboard.WriteAll
}

// demoServerFlags are `authplay demo-server`'s flags.
type demoServerFlags struct {
	addr, dir, weak string
	printKey        bool
	requireDPoP     bool
	tls             bool
}

func newDemoServerFlagSet(stdio IO) (*demoServerFlags, *flag.FlagSet) {
	f := &demoServerFlags{}
	fs := flag.NewFlagSet("authplay demo-server", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:9090", "loopback address to listen on")
	fs.StringVar(&f.dir, "dir", "", "keep the server's key and grants here (default: in memory)")
	fs.StringVar(&f.weak, "weak", "", "turn defences off to watch attacks work (unsafe on purpose): a comma-separated list of "+strings.Join(spacetest.Weaknesses(), ", "))
	fs.BoolVar(&f.printKey, "print-client-key", false, "print the private key (PEM) that demo-jwt-app and demo-app's JWT-bearer grant trust, and exit")
	fs.BoolVar(&f.requireDPoP, "require-dpop", false, "refuse token requests without a DPoP proof, for every registration (RFC 9449 §5.2; demo-dpop-app always wants one)")
	fs.BoolVar(&f.tls, "tls", false, "also serve the token, PAR, introspection, revocation and API endpoints over HTTPS on a second loopback port that takes TLS client certificates (mutual TLS, RFC 8705), with its own CA")
	return f, fs
}

func runDemoServer(args []string, stdio IO) int {
	f, fs := newDemoServerFlagSet(stdio)
	if code := parseNoOperands(fs, args, stdio); code >= 0 {
		return code
	}
	if f.printKey {
		return printDemoClientKey(stdio)
	}
	weak, err := spacetest.ParseWeak(f.weak)
	if err != nil {
		return usageError(stdio, "--weak: %v", err)
	}
	srv, err := newDemoServer(f.addr, f.dir, weak, stdio.Err, append(mtlsOption(f.tls, f.dir), spacetest.WithDPoPRequired(f.requireDPoP))...)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay demo-server:", err)
		return ExitFailed
	}
	defer srv.Close()
	printDemoBanner(stdio.Err, srv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shutdown) //nolint:errcheck
	fmt.Fprintln(stdio.Err, "stopped")
	return ExitOK
}
