// Package cli is authplay's command line: it parses arguments, wires the
// store, the built-in server and the TUI together, and runs the headless
// commands. main only calls Main.
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
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"
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
		switch args[0] {
		case "token":
			return runToken(args[1:], stdio)
		case "endpoint":
			return runEndpoint(args[1:], stdio)
		case "sign":
			return runSign(args[1:], stdio)
		case "demo-server":
			return runDemoServer(args[1:], stdio)
		case "probe":
			return runProbe(args[1:], stdio)
		case "providers":
			return runProviders(args[1:], stdio)
		case "version", "--version":
			fmt.Fprintln(stdio.Out, "authplay", wire.Version, runtime.Version())
			return ExitOK
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

func runTUI(args []string, stdio IO) int {
	fs := flag.NewFlagSet("authplay", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	demo := fs.Bool("demo", false, "use the built-in offline Space-compatible server")
	flow := fs.String("flow", "", "open this flow's form at once (client_credentials, authorization_code, device_code, refresh_token, permanent_token, password, implicit)")
	theme := fs.String("theme", "", "colour theme (default: the last one chosen with ctrl+t, else "+themes.Default()+")")
	noBrowser := fs.Bool("no-browser", false, "never open a browser; show the URL to open yourself")
	profileName := fs.String("profile", "", "start with this saved profile")
	step := fs.Bool("step", false, "step mode: pause before each request, to look at it, edit it or skip it (ctrl+p toggles it)")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, `authplay: an OAuth 2.0 playground for the terminal

Usage:
  authplay [--demo] [--flow NAME] [--theme NAME]   open the playground
  authplay token --flow NAME ...                   get a token without the TUI (authplay token --help)
  authplay endpoint --listen 127.0.0.1:PORT ...     verify requests Space sends to an app (authplay endpoint --help)
  authplay sign --signing-key-env VAR ...           sign a body as Space would, send it or print curl
  authplay demo-server [--addr 127.0.0.1:9090]     run the built-in server in the foreground
  authplay probe [--demo | --profile NAME ...]      try what a server must refuse (authplay probe --help)
  authplay providers [NAME]                        the providers with presets: what each needs, what to register
  authplay version

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		return usageError(stdio, "unknown command %q (see authplay --help)", fs.Arg(0))
	}
	if *theme != "" {
		if err := themes.Check(*theme); err != nil {
			return usageError(stdio, "%v", err)
		}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var method flows.Method
	if *flow != "" {
		m, err := flows.ParseMethod(*flow)
		if err != nil {
			return usageError(stdio, "--flow: %v", err)
		}
		method = m
	}
	stateDir, err := store.DefaultDir()
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	st, err := store.Open(stateDir)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	srv, err := startDemo(stateDir)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay: the built-in server could not start:", err)
		return ExitFailed
	}
	defer srv.Close()
	lb := loopback.New()
	defer lb.CloseAll()
	httpClient := wire.NewClient(30 * time.Second)
	env := flows.Env{HTTP: httpClient, Loopback: lb}
	if !*noBrowser && canOpenBrowser() {
		env.OpenBrowser = browser.OpenURL
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard // a browser's chatter must not garble the screen
	deps := ui.Deps{
		Sessions: st, Env: env, OpenBrowser: env.OpenBrowser, Clipboard: systemClipboard(),
		WriteFile: store.WritePrivate, GenerateKey: func() (ed25519.PublicKey, ed25519.PrivateKey, error) { return ed25519.GenerateKey(rand.Reader) },
		Demo: demoApprover{srv: srv, client: httpClient}, StateDir: stateDir,
		Profile: demoProfile(srv), Theme: *theme, Flow: method, StepMode: *step,
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
	if path, err := store.ProfilesPath(); err == nil {
		deps.ProfilesPath = path
		deps.SaveProfile = func(p store.Profile) error { return store.AppendProfile(path, p) }
		saved, err := store.LoadProfiles(path)
		if err != nil {
			deps.ProfileNote = strings.TrimSpace(deps.ProfileNote + " Your profiles could not be read, so only the built-in server is offered: " + err.Error())
		}
		deps.Profiles = append(deps.Profiles, deps.Profile)
		for _, sp := range saved {
			deps.Profiles = append(deps.Profiles, ui.ProfileFromStore(sp))
		}
	}
	if *profileName != "" {
		found := false
		for _, p := range deps.Profiles {
			if p.Name == *profileName {
				deps.Profile, found = p, true
			}
		}
		if !found {
			return usageError(stdio, "--profile %q: no such profile (see %s)", *profileName, deps.ProfilesPath)
		}
	}
	if *demo || *profileName != "" || method != "" {
		deps.Profiles = nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p := tea.NewProgram(ui.New(deps), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil {
		if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
			return ExitInterrupted
		}
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	return ExitOK
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

func runDemoServer(args []string, stdio IO) int {
	fs := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	addr := fs.String("addr", "127.0.0.1:9090", "loopback address to listen on")
	dir := fs.String("dir", "", "keep the server's key and grants here (default: in memory)")
	printKey := fs.Bool("print-client-key", false, "print the private key (PEM) that demo-jwt-app and demo-app's JWT-bearer grant trust, and exit")
	weakList := fs.String("weak", "", "turn defences off to watch attacks work (unsafe on purpose): a comma-separated list of "+strings.Join(spacetest.Weaknesses(), ", "))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *printKey {
		if err := spacetest.WriteDemoClientKey(stdio.Out); err != nil {
			fmt.Fprintln(stdio.Err, "authplay demo-server:", err)
			return ExitFailed
		}
		return ExitOK
	}
	weak, err := spacetest.ParseWeak(*weakList)
	if err != nil {
		return usageError(stdio, "--weak: %v", err)
	}
	srv, err := newDemoServer(*addr, *dir, weak, stdio.Err)
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
