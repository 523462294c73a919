package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cli/browser"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/ui"
)

// runHeadless drives the flow to a token, through the session store when it
// can be opened so scripted runs appear in the TUI's history too.
func runHeadless(ctx context.Context, f *tokenFlags, run *scriptRun, st flows.State, creds flows.Credentials, env flows.Env, stdio IO) int {
	advance, err := run.advancer(st, creds, env)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay: this run is not saved to the session history:", err)
		m, err := flows.New(st, creds)
		if err != nil {
			fmt.Fprintln(stdio.Err, "authplay:", err)
			return ExitFailed
		}
		advance = func(ctx context.Context, in flows.Input) (flows.State, flows.Step, error) {
			step, err := m.Next(ctx, env, in)
			return m.State(), step, err
		}
	}
	announced := false
	for {
		cur, step, err := advance(ctx, flows.Input{})
		if f.verbose {
			printStep(stdio, step)
		} else {
			printWarnings(stdio, step)
		}
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			fmt.Fprintln(stdio.Err, "authplay: interrupted")
			return ExitInterrupted
		case err != nil:
			d := step.Diagnosis
			if d == nil {
				d = flows.Explain(err, cur.ExplainContext(""))
			}
			fmt.Fprintf(stdio.Err, "authplay: %s\nfix: %s\nwhy: %s\n", oneLine(d.Raw), d.Fix, d.Cause)
			return ExitFailed
		case cur.Phase == flows.PhaseAuthorized:
			return finish(ctx, f, learnNonce(ctx, f, cur, advance, stdio), env, stdio)
		case !announced && (cur.Phase == flows.PhaseAwaitingRedirect || cur.Phase == flows.PhaseAwaitingUser):
			announced = true
			announce(f, cur, env, stdio)
		}
	}
}

// advancer takes the session's next step, or an action on its token.
type advancer func(context.Context, flows.Input) (flows.State, flows.Step, error)

// learnNonce makes the one API call a DPoP curl line needs first, when the
// server wants nonces and its API gave none yet: it is the call the line
// makes, and its answer brings the nonce the line's proof carries.
func learnNonce(ctx context.Context, f *tokenFlags, st flows.State, advance advancer, stdio IO) flows.State {
	if !ui.NeedsAPICallFirst(st, f.output) {
		return st
	}
	fmt.Fprintln(stdio.Err, "authplay: this server wants a nonce of its own in every DPoP proof, and its API has given none yet: calling it once to learn one (RFC 9449 §9)")
	next, step, err := advance(ctx, flows.Input{Action: flows.ActionCallAPI})
	if f.verbose {
		printStep(stdio, step)
	}
	if err != nil {
		return st // the curl form then says why it cannot be made
	}
	return next
}

func printNotices(w io.Writer, s *store.Store) {
	for _, n := range s.Notices() {
		fmt.Fprintln(w, "authplay:", n)
	}
}

// announce tells the person (or the script) where to go. The URL stands
// alone on its line, unwrapped and uncoloured, so a script can pick it up.
// Only an http or https address is ever handed to a browser: a server
// chooses the device flow's, and could name a file or a script instead.
func announce(f *tokenFlags, st flows.State, env flows.Env, stdio IO) {
	target := st.AuthURL
	if d := st.Device; d != nil {
		fmt.Fprintf(stdio.Err, "authplay: open the address below on any device and enter the code %s\n", d.UserCode)
		target = d.VerificationURI
		if d.VerificationURIComplete != "" && flows.OpenableURL(d.VerificationURIComplete) == nil {
			target = d.VerificationURIComplete
		}
	} else {
		fmt.Fprintf(stdio.Err, "authplay: sign in at the address below; authplay waits at %s\n", st.RedirectURI)
	}
	fmt.Fprintln(stdio.Err, target)
	if err := flows.OpenableURL(target); err != nil {
		fmt.Fprintln(stdio.Err, "authplay: warning: not opened in a browser:", err)
	} else if !f.noBrowser && canOpenBrowser() {
		browser.Stdout, browser.Stderr = stdio.Err, stdio.Err
		if err := browser.OpenURL(target); err != nil {
			fmt.Fprintln(stdio.Err, "authplay: could not open a browser:", err)
		}
	}
	if st.Device == nil && stdio.In != nil {
		fmt.Fprintln(stdio.Err, "authplay: if the browser cannot reach this machine, paste the address it ended on here and press enter")
		go readPasted(env.Loopback, st, stdio)
	}
}

// readPasted feeds pasted redirect URLs to the listener; a closed stdin just
// leaves the listener waiting until the timeout. An error code copied from
// the server's page (which sends the browser nowhere) is explained.
func readPasted(lb *loopback.Listener, st flows.State, stdio IO) {
	redirectURI := st.RedirectURI
	sc := bufio.NewScanner(stdio.In)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := lb.Paste(redirectURI, line); err != nil {
			if page := flows.ParseRefusal(line); page != nil {
				// The error the server's page showed, copied from the browser.
				d := flows.Explain(page, st.ExplainContext(""))
				fmt.Fprintf(stdio.Err, "authplay: the server refused on its own page: %s\nfix: %s\nwhy: %s\n", page, d.Fix, d.Cause)
				continue
			}
			fmt.Fprintln(stdio.Err, "authplay: that address was not accepted:", err)
			continue
		}
		return
	}
}

// finish prints the token. With --verbose or --strict it first checks the
// tokens fully (the key set fetched) and prints every verdict; --strict
// refuses a token that fails a check or whose signature could not be
// checked. Otherwise it still makes the checks that need no network, and
// one warning line names any that failed, so a replayed or forged ID
// token never passes in silence.
func finish(ctx context.Context, f *tokenFlags, st flows.State, env flows.Env, stdio IO) int {
	failed := 0
	if f.verbose || f.strict {
		in := flows.PrepareChecks(ctx, env, st)
		if f.verbose && in.KeySetStep != nil {
			printStep(stdio, *in.KeySetStep)
		}
		for _, v := range flows.Judge(st, in) {
			mark := map[flows.Outcome]string{flows.Pass: "ok  ", flows.Fail: "FAIL", flows.Warn: "warn", flows.NotApplicable: "n/a ", flows.Unverified: "----"}[v.Outcome]
			fmt.Fprintf(stdio.Err, "check %s %-10s %s\n", mark, v.Check, v.Detail)
			if v.Outcome == flows.Fail || (f.strict && v.Outcome == flows.Unverified) {
				failed++
			}
		}
	} else {
		var bad []string
		for _, v := range flows.Judge(st, flows.OfflineChecks(time.Now(), st)) {
			if v.Outcome == flows.Fail {
				bad = append(bad, v.Check+" ("+v.Detail+")")
			}
		}
		if len(bad) > 0 {
			fmt.Fprintf(stdio.Err, "authplay: warning: token check failed: %s; --verbose shows every check, --strict refuses such tokens\n", strings.Join(bad, "; "))
		}
	}
	text, err := ui.FormatToken(st, f.output)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay:", err)
		return ExitFailed
	}
	if f.strict && failed > 0 {
		fmt.Fprintf(stdio.Err, "authplay: %d check(s) failed and --strict is set; the token is not printed\n", failed)
		return ExitFailed
	}
	if note := ui.TokenFormNote(st, f.output); note != "" {
		fmt.Fprintln(stdio.Err, "authplay: note: the "+f.output+" form: "+note)
	}
	fmt.Fprintln(stdio.Out, text)
	return ExitOK
}

// printWarnings prints what a person must know about a step even without
// --verbose: how its requests were sent (a secret over plain http).
func printWarnings(stdio IO, step flows.Step) {
	for _, ex := range step.Exchanges {
		for _, w := range ex.Warnings {
			fmt.Fprintln(stdio.Err, "authplay: warning:", w)
		}
	}
}

func printStep(stdio IO, step flows.Step) {
	if step.Caption == "" {
		return
	}
	fmt.Fprintf(stdio.Err, "== %s\n", step.Caption)
	// The same exchanges, whole, as the TUI's Steps panel shows them.
	for _, ex := range step.Exchanges {
		for _, l := range ui.ExchangeLines(ex) {
			mark := "> "
			switch l.Part {
			case ui.PartStatusLine, ui.PartResponseHeader, ui.PartResponseBody:
				mark = "< "
			case ui.PartNote, ui.PartDecoded:
				mark = "  "
			}
			fmt.Fprintln(stdio.Err, mark+l.Text)
		}
	}
	for _, d := range step.Details {
		fmt.Fprintln(stdio.Err, "  "+d)
	}
	if step.WhatHappened != "" {
		fmt.Fprintln(stdio.Err, step.WhatHappened)
	}
	for _, n := range step.Notes {
		fmt.Fprintln(stdio.Err, "note:", n)
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
