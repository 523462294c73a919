package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/flows/wire"
)

// runEndpoint plays an application's endpoint: one line per request on
// stdout, PASS or FAIL: reason; everything else on stderr.
func runEndpoint(args []string, stdio IO) int {
	fs := flag.NewFlagSet("authplay endpoint", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	listen := fs.String("listen", "127.0.0.1:8787", "loopback address to receive Space's requests on")
	keyEnv := fs.String("signing-key-env", "", "read the application's signing key from this variable")
	keyFile := fs.String("signing-key-file", "", "read the application's signing key from this file")
	spaceURL := fs.String("public-keys-from-space", "", "Space service URL: fetch its public keys with an application token")
	clientID := fs.String("client-id", "", "with --public-keys-from-space: the application's client ID")
	secretEnv := fs.String("client-secret-env", "", "with --public-keys-from-space: read the client secret from this variable")
	tokenEnv := fs.String("verification-token-env", "", "obsolete method: read the verification token from this variable")
	window := fs.Duration("window", spacesig.DefaultWindow, "how far a request's timestamp may be from this clock, either way; an accepted request is refused if sent again within it")
	output := fs.String("output", "text", "text (PASS / FAIL: reason) or json (one JSON object a line)")
	maxRequests := fs.Int("max-requests", 0, "stop after this many requests (0: run until interrupted)")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay endpoint --listen 127.0.0.1:PORT (--signing-key-env VAR | --public-keys-from-space URL --client-id ID --client-secret-env VAR)\n\nReceives requests as an application's endpoint and verifies that Space sent them.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *output != "text" && *output != "json" {
		return usageError(stdio, "--output %q: choose text or json", *output)
	}
	if err := spacesig.CheckLoopbackAddr(*listen); err != nil {
		return usageError(stdio, "--listen: %v", err)
	}
	keys := spacesig.Keys{Window: *window}
	if *keyEnv != "" || *keyFile != "" {
		k, err := readSecret("--signing-key", *keyEnv, *keyFile, "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		keys.SigningKey = flows.Secret(k)
	}
	if *tokenEnv != "" {
		v, err := readSecret("--verification-token", *tokenEnv, "", "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		keys.VerificationToken = flows.Secret(v)
	}
	if *spaceURL != "" {
		if *clientID == "" || *secretEnv == "" {
			return usageError(stdio, "--public-keys-from-space needs --client-id and --client-secret-env")
		}
		secret, err := readSecret("--client-secret", *secretEnv, "", "")
		if err != nil {
			return usageError(stdio, "%v", err)
		}
		set, err := fetchKeys(*spaceURL, *clientID, secret, stdio)
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
		if *output == "json" {
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
		if *maxRequests > 0 && count == *maxRequests {
			close(done)
		}
	}
	ep, err := spacesig.Listen(*listen, func() spacesig.Keys { k := keys; k.Now = time.Now(); return k }, report)
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
	fmt.Fprintf(stdio.Err, "authplay endpoint: listening at %s, checking %s, window %s, replays refused\n", ep.URL, strings.Join(methods, " and "), *window)
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

// runSign signs a body with an application's signing key, as Space would,
// and sends it or prints the curl command that does.
func runSign(args []string, stdio IO) int {
	fs := flag.NewFlagSet("authplay sign", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	keyEnv := fs.String("signing-key-env", "", "read the signing key from this variable")
	keyFile := fs.String("signing-key-file", "", "read the signing key from this file")
	bodyFile := fs.String("body-file", "", "the request body (- for stdin)")
	target := fs.String("url", "", "the application's endpoint")
	output := fs.String("output", "send", "send (POST it now) or curl (print a curl command)")
	tsFlag := fs.Int64("timestamp-ms", 0, "sign with this X-Space-Timestamp instead of now (to test stale requests)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *output != "send" && *output != "curl" {
		return usageError(stdio, "--output %q: choose send or curl", *output)
	}
	if *keyEnv == "" && *keyFile == "" {
		return usageError(stdio, "sign: --signing-key-env or --signing-key-file is required")
	}
	key, err := readSecret("--signing-key", *keyEnv, *keyFile, "")
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	if *bodyFile == "" {
		return usageError(stdio, "sign: --body-file is required (- reads stdin)")
	}
	var body []byte
	if *bodyFile == "-" {
		body, err = io.ReadAll(io.LimitReader(stdio.In, wire.MaxBody+1))
	} else {
		body, err = os.ReadFile(*bodyFile)
	}
	if err != nil {
		return usageError(stdio, "--body-file: %v", err)
	}
	if _, err := flows.ValidateURL("--url", *target); err != nil {
		return usageError(stdio, "%v", err)
	}
	at := time.Now()
	if *tsFlag != 0 {
		at = time.UnixMilli(*tsFlag)
	}
	h, err := spacesig.Sign(flows.Secret(key), body, at)
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	if *output == "curl" {
		fmt.Fprintf(stdio.Out, "curl -sS -X POST %s -H 'Content-Type: application/json' -H 'X-Space-Timestamp: %s' -H 'X-Space-Signature: %s' --data-binary %s\n",
			shellQuote(*target), h.Get("X-Space-Timestamp"), h.Get("X-Space-Signature"), shellQuote(string(body)))
		fmt.Fprintf(stdio.Err, "authplay sign: the timestamp is %s; an endpoint accepts it once, within about %s\n", at.Format("15:04:05"), spacesig.DefaultWindow)
		return ExitOK
	}
	req, err := http.NewRequest(http.MethodPost, *target, bytes.NewReader(body))
	if err != nil {
		return usageError(stdio, "%v", err)
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	resp, err := wire.NewClient(30 * time.Second).Do(req)
	if err != nil {
		fmt.Fprintf(stdio.Err, "authplay sign: %v\nfix: %s\n", err, flows.Explain(err, flows.ExplainContext{Endpoint: *target}).Fix)
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

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
