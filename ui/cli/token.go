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
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/ui"
)

// runToken gets a token without the TUI: the result on stdout, everything
// else on stderr. This first cut runs the flows that need no browser.
func runToken(args []string, stdio IO) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	flow := fs.String("flow", "", "client_credentials, password, refresh_token or permanent_token")
	spaceURL := fs.String("space-url", "", "JetBrains Space service URL")
	tokenURL := fs.String("token-url", "", "token endpoint")
	clientID := fs.String("client-id", "", "client ID")
	secretEnv := fs.String("client-secret-env", "", "read the client secret from this environment variable")
	secretFile := fs.String("client-secret-file", "", "read the client secret from this file")
	secretValue := fs.String("client-secret", "", "the client secret (shows in the process list: prefer --client-secret-env)")
	scope := fs.String("scope", "", "scope to request")
	authStyle := fs.String("auth-style", "basic", "basic, body or none")
	username := fs.String("username", "", "password flow: the user")
	passwordEnv := fs.String("password-env", "", "password flow: read the password from this variable")
	refreshEnv := fs.String("refresh-token-env", "", "refresh_token flow: read the refresh token from this variable")
	tokenEnv := fs.String("token-env", "", "permanent_token flow: read the token from this variable")
	accessType := fs.String("access-type", "", "Space: online or offline")
	output := fs.String("output", "json", "what to print: "+ui.TokenFormNames())
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	verbose := fs.Bool("verbose", false, "print each step's redacted HTTP exchange on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	m, err := flows.ParseMethod(*flow)
	if err != nil {
		return usageError(stdio, "--flow: %v", err)
	}
	if m.Info().Browser {
		return usageError(stdio, "--flow %s needs a browser; the headless command does not run browser flows yet (use the TUI)", m)
	}
	style, err := flows.ParseAuthStyle(*authStyle)
	if err != nil {
		return usageError(stdio, "--auth-style: %v", err)
	}
	if !slices.ContainsFunc(ui.TokenForms, func(f ui.TokenForm) bool { return f.Name == *output }) {
		return usageError(stdio, "--output %q: choose one of %s", *output, ui.TokenFormNames())
	}
	var prov flows.Provider
	switch {
	case *spaceURL != "":
		if prov, err = flows.Space(*spaceURL); err != nil {
			return usageError(stdio, "--space-url: %v", err)
		}
	case *tokenURL != "" || m == flows.PermanentToken:
		if prov, err = flows.Endpoints("", "", *tokenURL); err != nil {
			return usageError(stdio, "--token-url: %v", err)
		}
	default:
		return usageError(stdio, "--flow %s needs --space-url or --token-url", m)
	}
	secret, err := readSecret("--client-secret", *secretEnv, *secretFile, *secretValue)
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	if *secretValue != "" {
		fmt.Fprintln(stdio.Err, "authplay: warning: --client-secret shows in the process list; prefer --client-secret-env or --client-secret-file")
	}
	if *clientID == "" && m != flows.PermanentToken {
		return usageError(stdio, "--flow %s needs --client-id", m)
	}
	p := flows.Params{Provider: prov, ClientID: *clientID, AuthStyle: style, Scope: *scope, Username: *username, AccessType: *accessType}
	st := flows.Start(m, p)
	creds := flows.Credentials{ClientSecret: flows.Secret(secret)}
	switch m {
	case flows.Password:
		pw, err := readSecret("--password", *passwordEnv, "", "")
		if err != nil || pw == "" || *username == "" {
			return usageError(stdio, "--flow password needs --username and --password-env")
		}
		creds.Password = flows.Secret(pw)
	case flows.RefreshToken:
		rt, err := readSecret("--refresh-token", *refreshEnv, "", "")
		if err != nil || rt == "" {
			return usageError(stdio, "--flow refresh_token needs --refresh-token-env")
		}
		st.Seed = flows.Secret(rt)
	case flows.PermanentToken:
		tok, err := readSecret("--token", *tokenEnv, "", "")
		if err != nil || tok == "" {
			return usageError(stdio, "--flow permanent_token needs --token-env")
		}
		st.Seed = flows.Secret(tok)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	env := flows.Env{HTTP: flows.NewHTTPClient(*timeout), Loopback: flows.NewLoopback()}
	defer env.Loopback.CloseAll()
	final, code := runHeadless(ctx, st, creds, env, stdio, *verbose)
	if code != ExitOK {
		return code
	}
	text, err := ui.FormatToken(final, *output)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	fmt.Fprintln(stdio.Out, text)
	return ExitOK
}

// runHeadless drives the machine through the store when one can be opened,
// so scripted runs appear in the TUI's history too.
func runHeadless(ctx context.Context, st flows.State, creds flows.Credentials, env flows.Env, stdio IO, verbose bool) (flows.State, int) {
	var advance func() (flows.State, flows.Step, error)
	sess, s, err := openHeadlessSession(st, creds)
	if err == nil {
		advance = func() (flows.State, flows.Step, error) {
			got, step, err := s.Advance(ctx, sess.ID, env, flows.Input{})
			return got.State, step, err
		}
	} else {
		fmt.Fprintln(stdio.Err, "authplay: this run is not saved to the session history:", err)
		m, err := flows.New(st, creds)
		if err != nil {
			fmt.Fprintln(stdio.Err, "authplay:", err)
			return st, ExitFailed
		}
		advance = func() (flows.State, flows.Step, error) {
			step, err := m.Next(ctx, env, flows.Input{})
			return m.State(), step, err
		}
	}
	for {
		cur, step, err := advance()
		if verbose {
			printStep(stdio, step)
		}
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return cur, ExitInterrupted
		case err != nil:
			d := step.Diagnosis
			if d == nil {
				d = flows.Explain(err, flows.ExplainContext{})
			}
			fmt.Fprintf(stdio.Err, "authplay: %s\nfix: %s\nwhy: %s\n", oneLine(d.Raw), d.Fix, d.Cause)
			return cur, ExitFailed
		case cur.Phase == flows.PhaseAuthorized:
			return cur, ExitOK
		}
	}
}

func openHeadlessSession(st flows.State, creds flows.Credentials) (store.Session, *store.Store, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return store.Session{}, nil, err
	}
	s, err := store.Open(dir)
	if err != nil {
		return store.Session{}, nil, err
	}
	sess, err := s.Create("headless", st, creds)
	return sess, s, err
}

func printStep(stdio IO, step flows.Step) {
	fmt.Fprintf(stdio.Err, "== %s\n", step.Caption)
	for _, ex := range step.Exchanges {
		fmt.Fprintf(stdio.Err, "> %s %s\n", ex.Request.Method, ex.Request.URL)
		if ex.Request.Body != "" {
			fmt.Fprintf(stdio.Err, "> %s\n", ex.Request.Body)
		}
		if ex.Response != nil {
			fmt.Fprintf(stdio.Err, "< HTTP %d\n< %s\n", ex.Response.Status, strings.ReplaceAll(ex.Response.Body, "\n", "\n< "))
		}
	}
	if step.WhatHappened != "" {
		fmt.Fprintln(stdio.Err, step.WhatHappened)
	}
}

// readSecret takes a secret from exactly one of a variable, a file or a value.
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
			return "", fmt.Errorf("%s-file: %v", flagName, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return value, nil
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
