package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/ui"
)

// endpointOutputs and signOutputs are what --output takes.
var (
	endpointOutputs = []string{"text", "json"}
	signOutputs     = []string{"send", "curl"}
)

// endpointFlags are `authplay endpoint`'s flags.
type endpointFlags struct {
	listen, keyEnv, keyFile, spaceURL, clientID, secretEnv, tokenEnv, output string
	window                                                                   time.Duration
	maxRequests                                                              int
}

func newEndpointFlagSet(stdio IO) (*endpointFlags, *flag.FlagSet) {
	f := &endpointFlags{}
	fs := flag.NewFlagSet("authplay endpoint", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8787", "loopback address to receive Space's requests on")
	fs.StringVar(&f.keyEnv, "signing-key-env", "", "read the application's signing key from this variable")
	fs.StringVar(&f.keyFile, "signing-key-file", "", "read the application's signing key from this file")
	fs.StringVar(&f.spaceURL, "public-keys-from-space", "", "Space service URL: fetch its public keys with an application token")
	fs.StringVar(&f.clientID, "client-id", "", "with --public-keys-from-space: the application's client ID")
	fs.StringVar(&f.secretEnv, "client-secret-env", "", "with --public-keys-from-space: read the client secret from this variable")
	fs.StringVar(&f.tokenEnv, "verification-token-env", "", "obsolete method: read the verification token from this variable")
	fs.DurationVar(&f.window, "window", spacesig.DefaultWindow, "how far a request's timestamp may be from this clock, either way; an accepted request is refused if sent again within it")
	fs.StringVar(&f.output, "output", "text", "text (PASS / FAIL: reason) or json (one JSON object a line)")
	fs.IntVar(&f.maxRequests, "max-requests", 0, "stop after this many requests (0: run until interrupted)")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay endpoint --listen 127.0.0.1:PORT (--signing-key-env VAR | --public-keys-from-space URL --client-id ID --client-secret-env VAR)\n\nReceives requests as an application's endpoint and verifies that Space sent them.\n\n")
		fs.PrintDefaults()
	}
	return f, fs
}

// runEndpoint plays an application's endpoint: one line per request on
// stdout, PASS or FAIL: reason; everything else on stderr.
func runEndpoint(args []string, stdio IO) int {
	f, fs := newEndpointFlagSet(stdio)
	if code := parseNoOperands(fs, args, stdio); code >= 0 {
		return code
	}
	if !slices.Contains(endpointOutputs, f.output) {
		return usageError(stdio, "--output %q: choose %s", f.output, strings.Join(endpointOutputs, " or "))
	}
	if err := spacesig.CheckLoopbackAddr(f.listen); err != nil {
		return usageError(stdio, "--listen: %v", err)
	}
	keys := spacesig.Keys{Window: f.window}
	if f.keyEnv != "" || f.keyFile != "" {
		k, err := readSecret("--signing-key", f.keyEnv, f.keyFile, "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		keys.SigningKey = flows.Secret(k)
	}
	if f.tokenEnv != "" {
		v, err := readSecret("--verification-token", f.tokenEnv, "", "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		keys.VerificationToken = flows.Secret(v)
	}
	if f.spaceURL != "" {
		if f.clientID == "" || f.secretEnv == "" {
			return usageError(stdio, "--public-keys-from-space needs --client-id and --client-secret-env")
		}
		secret, err := readSecret("--client-secret", f.secretEnv, "", "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		set, err := fetchKeys(f.spaceURL, f.clientID, secret, stdio)
		if err != nil {
			return ExitFailed
		}
		keys.PublicKeys = set
	}
	if keys.SigningKey == "" && keys.PublicKeys == nil && keys.VerificationToken == "" {
		return usageError(stdio, "endpoint: give a signing key (--signing-key-env or --signing-key-file), --public-keys-from-space, or both")
	}
	done := make(chan struct{})
	count := 0
	report := func(r spacesig.Received) {
		count++
		if f.output == "json" {
			b, _ := json.Marshal(r)
			fmt.Fprintln(stdio.Out, string(b))
		} else if r.Check.OK {
			fmt.Fprintf(stdio.Out, "PASS %s %s: verified by %s\n", r.Method, r.Path, r.Check.Method)
		} else {
			fmt.Fprintf(stdio.Out, "FAIL: %s\n", r.Check.Reason())
		}
		for _, v := range r.Check.Verdicts {
			fmt.Fprintf(stdio.Err, "  %-4s %-18s %s\n", v.Outcome, v.Check, v.Detail)
		}
		if f.maxRequests > 0 && count == f.maxRequests {
			close(done)
		}
	}
	ep, err := spacesig.Listen(f.listen, func() spacesig.Keys { k := keys; k.Now = time.Now(); return k }, report)
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay endpoint:", err)
		return ExitFailed
	}
	defer ep.Close()
	methods := []string{}
	if keys.SigningKey != "" {
		methods = append(methods, "signing key")
	}
	if keys.PublicKeys != nil {
		methods = append(methods, "public key")
	}
	if keys.VerificationToken != "" {
		methods = append(methods, "verification token (obsolete)")
	}
	fmt.Fprintf(stdio.Err, "authplay endpoint: listening at %s, checking %s, window %s, replays refused\n", ep.URL, strings.Join(methods, " and "), f.window)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	select {
	case <-ctx.Done():
	case <-done:
	}
	return ExitOK
}

func fetchKeys(spaceURL, clientID, secret string, stdio IO) (*jose.JSONWebKeySet, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := flows.Env{HTTP: wire.NewClient(20 * time.Second)}
	set, steps, err := spacesig.FetchPublicKeys(ctx, env, spaceURL, clientID, flows.Secret(secret))
	if err != nil {
		d := flows.Explain(err, flows.ExplainContext{Family: flows.FamilySpace, ClientID: clientID, Endpoint: spaceURL})
		fmt.Fprintf(stdio.Err, "authplay endpoint: cannot fetch Space's public keys: %s\nfix: %s\n", oneLine(d.Raw), d.Fix)
		return nil, err
	}
	fmt.Fprintf(stdio.Err, "authplay endpoint: %s\n", steps[len(steps)-1].WhatHappened)
	return set, nil
}

// signFlags are `authplay sign`'s flags.
type signFlags struct {
	keyEnv, keyFile, bodyFile, target, output string
	timestampMS                               int64
}

func newSignFlagSet(stdio IO) (*signFlags, *flag.FlagSet) {
	f := &signFlags{}
	fs := flag.NewFlagSet("authplay sign", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.StringVar(&f.keyEnv, "signing-key-env", "", "read the signing key from this variable")
	fs.StringVar(&f.keyFile, "signing-key-file", "", "read the signing key from this file")
	fs.StringVar(&f.bodyFile, "body-file", "", "the request body (- for stdin)")
	fs.StringVar(&f.target, "url", "", "the application's endpoint")
	fs.StringVar(&f.output, "output", "send", "send (POST it now) or curl (print a curl command)")
	fs.Int64Var(&f.timestampMS, "timestamp-ms", 0, "sign with this X-Space-Timestamp instead of now (to test stale requests)")
	return f, fs
}

// runSign signs a body with an application's signing key, as Space would,
// and sends it or prints the curl command that does.
func runSign(args []string, stdio IO) int {
	f, fs := newSignFlagSet(stdio)
	if code := parseNoOperands(fs, args, stdio); code >= 0 {
		return code
	}
	if !slices.Contains(signOutputs, f.output) {
		return usageError(stdio, "--output %q: choose %s", f.output, strings.Join(signOutputs, " or "))
	}
	if f.keyEnv == "" && f.keyFile == "" {
		return usageError(stdio, "sign: --signing-key-env or --signing-key-file is required")
	}
	key, err := readSecret("--signing-key", f.keyEnv, f.keyFile, "")
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	if f.bodyFile == "" {
		return usageError(stdio, "sign: --body-file is required (- reads stdin)")
	}
	var body []byte
	if f.bodyFile == "-" {
		body, err = io.ReadAll(io.LimitReader(stdio.In, wire.MaxBody+1))
	} else {
		body, err = os.ReadFile(f.bodyFile)
	}
	if err != nil {
		return usageError(stdio, "--body-file: %v", err)
	}
	if _, err := flows.ValidateURL("--url", f.target); err != nil {
		return usageError(stdio, "%v", err)
	}
	at := time.Now()
	if f.timestampMS != 0 {
		at = time.UnixMilli(f.timestampMS)
	}
	h, err := spacesig.Sign(flows.Secret(key), body, at)
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	if f.output == "curl" {
		fmt.Fprintf(stdio.Out, "curl -sS -X POST %s -H 'Content-Type: application/json' -H 'X-Space-Timestamp: %s' -H 'X-Space-Signature: %s' --data-binary %s\n",
			shellQuote(f.target), h.Get("X-Space-Timestamp"), h.Get("X-Space-Signature"), shellQuote(string(body)))
		fmt.Fprintf(stdio.Err, "authplay sign: the timestamp is %s; an endpoint accepts it once, within about %s\n", at.Format("15:04:05"), spacesig.DefaultWindow)
		return ExitOK
	}
	req, err := http.NewRequest(http.MethodPost, f.target, bytes.NewReader(body))
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	resp, err := wire.NewClient(30 * time.Second).Do(req)
	if err != nil {
		fmt.Fprintf(stdio.Err, "authplay sign: %v\nfix: %s\n", err, flows.Explain(err, flows.ExplainContext{Endpoint: f.target}).Fix)
		return ExitFailed
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintf(stdio.Err, "authplay sign: HTTP %d %s\n", resp.StatusCode, strings.TrimSpace(string(answer)))
	if resp.StatusCode >= 300 {
		return ExitFailed
	}
	return ExitOK
}

// shellQuote is ui's: one quoting for every shell line authplay prints.
func shellQuote(s string) string { return ui.ShellQuote(s) }
