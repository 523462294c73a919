package cli

import (
	"flag"
	"fmt"
	"strings"
)

// The man page is authplay(1) in roff (the man macros), written from the
// commands table like the completions: each command's OPTIONS are the
// flags its flag set defines, with their usage and default.

func newManFlagSet(stdio IO) *flag.FlagSet {
	fs := flag.NewFlagSet("authplay man", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, "Usage: authplay man\n\nPrints the manual page in roff. Read it with: authplay man | man -l -\nor install it: authplay man > ~/.local/share/man/man1/authplay.1\n")
	}
	return fs
}

func runMan(args []string, stdio IO) int {
	if code := parseNoOperands(newManFlagSet(stdio), args, stdio); code >= 0 {
		return code
	}
	cs, err := describeAll()
	if err != nil {
		fmt.Fprintln(stdio.Err, "authplay man:", err)
		return ExitFailed
	}
	fmt.Fprint(stdio.Out, manPage(cs, ReadBuild().Version))
	return ExitOK
}

// roffText escapes text for a roff line: backslashes; dashes, which
// would otherwise print as hyphens (and not copy as the ASCII a flag
// needs); characters beyond ASCII, which troff reads only as \[uXXXX];
// and a leading dot or quote, which would make the line a request.
func roffText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 127:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	s = b.String()
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffArg quotes one argument of a macro.
func roffArg(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `\(dq`) + `"`
}

func manPage(cs []commandSpec, version string) string {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	para := func(text string) { line(".PP"); line("%s", roffText(text)) }
	line(`.\" authplay(1), written by "authplay man" from the flags its commands parse.`)
	line(".TH AUTHPLAY 1 \"\" %s \"User Commands\"", roffArg("authplay "+version))
	line(".SH NAME")
	line(`authplay \- an OAuth 2.0 authorization playground for the terminal`)
	line(".SH SYNOPSIS")
	for _, c := range cs {
		line(".B authplay")
		if c.name != "" {
			line(".B %s", roffText(c.name))
		}
		if syn := synopsisOf(c.name); syn != "" {
			line(".I %s", roffArg(syn))
		}
		line(".br")
	}
	line(".SH DESCRIPTION")
	para("authplay runs OAuth 2.0 flows step by step and shows each one: the request it sends, the response, what the response means and, when something fails, what to fix. It checks the tokens it gets (signature, expiry, issuer, state, nonce, at_hash), calls an API with them and copies them.")
	para("With nothing configured it runs against a built-in authorization server that speaks JetBrains Space's protocol, so every flow can be tried offline. Without a command, authplay opens the playground in the terminal; the commands below do the same work without it, for scripts.")
	line(".SH COMMANDS")
	for _, c := range cs[1:] {
		line(".TP")
		line(".B %s", roffText(c.name))
		line("%s.", roffText(upperFirst(c.summary)))
	}
	line(".SH OPTIONS")
	for _, c := range cs {
		title := "authplay"
		if c.name != "" {
			title += " " + c.name
		}
		line(".SS %s", roffArg(title))
		if len(c.flags) == 0 {
			line("No options.")
			continue
		}
		for _, f := range c.flags {
			line(".TP")
			if f.boolean {
				line(`.B \-\-%s`, roffText(f.name))
			} else {
				line(`.BI \-\-%s " " %s`, roffText(f.name), roffArg(valueName(f)))
			}
			usage := f.usage
			if len(f.values) > 0 && !mentionsAll(usage, f.values) {
				usage += "; one of: " + strings.Join(f.values, ", ")
			}
			if f.def != "" {
				usage += " (default: " + f.def + ")"
			}
			line("%s", roffText(usage))
		}
	}
	line(".SH EXIT STATUS")
	for _, e := range []struct{ code, text string }{
		{"0", "Success: the token obtained, the command done."},
		{"1", "The flow failed, a check failed under --strict, or (probe) the server accepted something it must refuse."},
		{"2", "Usage: a flag or value authplay cannot take; the message says which and why."},
		{"130", "Interrupted (Ctrl+C)."},
	} {
		line(".TP")
		line(".B %s", e.code)
		line("%s", roffText(e.text))
	}
	line(".SH FILES")
	for _, f := range []struct{ path, text string }{
		{"$XDG_CONFIG_HOME/authplay/profiles.json", "Saved profiles: a provider and a client, never a secret. $XDG_CONFIG_HOME is ~/.config when unset; on macOS the file is under ~/Library/Application Support, on Windows under %AppData%."},
		{"$XDG_CONFIG_HOME/authplay/settings.json", "Remembered choices: the theme and step mode. The previous file is kept as settings.json.bak."},
		{"$XDG_STATE_HOME/authplay/sessions.db", "The session history (default ~/.local/state/authplay). Tokens are kept for the inspector; credentials (client secrets, passwords) never are."},
	} {
		line(".TP")
		line(".I %s", roffArg(f.path))
		line("%s", roffText(f.text))
	}
	line(".SH SECURITY")
	para("Secrets are masked on screen and redacted from logs, reports and error messages. On the command line a secret is read from an environment variable (--client-secret-env) or a file (--client-secret-file); --client-secret VALUE works but shows in the process list, and authplay warns when it is used.")
	para("authplay's files are created 0600 in 0700 directories. Its redirect listeners and the built-in server bind the loopback interface only. Text a server sends is escaped before it reaches the terminal. Sending credentials over plain http to another machine is warned about, and refused with --strict.")
	line(".SH SEE ALSO")
	line(".BR curl (1),")
	line(".BR jq (1)")
	para("RFC 6749 (OAuth 2.0), RFC 7636 (PKCE), RFC 8628 (device authorization), RFC 7662 (introspection), RFC 7009 (revocation), OpenID Connect Core 1.0.")
	return b.String()
}

// synopsisOf is the command's synopsis from the table.
func synopsisOf(name string) string {
	if name == "" {
		return root().synopsis
	}
	c, _ := lookupCommand(name)
	return c.synopsis
}

// valueName is what a flag's value is called in the page.
func valueName(f flagSpec) string {
	switch f.arg {
	case argFile:
		return "file"
	case argDir:
		return "dir"
	case argEnv:
		return "variable"
	}
	return "value"
}

// mentionsAll says whether a usage text already names every value.
func mentionsAll(usage string, values []string) bool {
	for _, v := range values {
		if !strings.Contains(usage, v) {
			return false
		}
	}
	return true
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
