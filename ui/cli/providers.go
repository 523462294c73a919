package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/authplay/authplay/flows"
)

// runProviders is `authplay providers [NAME]`: the presets, one line
// each, or everything about one of them (where to register, what, the
// steps and the quirks authplay handles).
func runProviders(args []string, stdio IO) int {
	output, fs := newProvidersFlagSet(stdio)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *output != "text" && *output != "json" {
		return usageError(stdio, "providers: --output %q: choose text or json", *output)
	}
	list := flows.Presets()
	switch fs.NArg() {
	case 0:
	case 1:
		p, ok := flows.PresetOf(flows.Family(fs.Arg(0)))
		if !ok {
			return usageError(stdio, "providers: no provider %q; choose %s", fs.Arg(0), presetIDs())
		}
		list = []flows.Preset{p}
	default:
		return usageError(stdio, "providers: name one provider at most")
	}
	switch {
	case *output == "json" && fs.NArg() == 1:
		return writeJSON(stdio.Out, list[0])
	case *output == "json":
		return writeJSON(stdio.Out, list)
	case fs.NArg() == 1:
		describePreset(stdio.Out, list[0])
	default:
		listPresets(stdio.Out, list)
	}
	return ExitOK
}

func presetIDs() string { return strings.Join(presetNames(), ", ") }

// presetNames are the names authplay providers takes.
func presetNames() []string {
	var ids []string
	for _, p := range flows.Presets() {
		ids = append(ids, string(p.ID))
	}
	return ids
}

func writeJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ExitFailed
	}
	return ExitOK
}

// needs is what a preset asks for, in one line: required names bare,
// optional ones and those with a default in brackets.
func needs(p flows.Preset) string {
	var out []string
	for _, ph := range p.Needs {
		if ph.Optional || ph.Default != "" {
			out = append(out, "["+ph.Name+"]")
		} else {
			out = append(out, ph.Name)
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, ", ")
}

func listPresets(w io.Writer, list []flows.Preset) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\tneeds: %s\tregister: %s\n", p.ID, p.Name, needs(p), p.Register)
	}
	tw.Flush()
}

func describePreset(w io.Writer, p flows.Preset) {
	fmt.Fprintf(w, "%s (%s)\n\n", p.Name, p.ID)
	if len(p.Needs) > 0 {
		fmt.Fprintln(w, "You give:")
		for _, ph := range p.Needs {
			extra := ""
			switch {
			case ph.Default != "":
				extra = " (default " + ph.Default + ")"
			case ph.Optional:
				extra = " (optional)"
			}
			fmt.Fprintf(w, "  %s%s: %s\n", ph.Name, extra, ph.Hint)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Endpoints:")
	for _, e := range []struct{ name, v string }{
		{"issuer (discovery)", p.Issuer}, {"authorization", p.AuthURL}, {"token", p.TokenURL}, {"device", p.DeviceURL},
		{"key set", p.JWKSURL}, {"API", p.APIBase}, {"test call", p.UserinfoURL},
	} {
		if e.v != "" {
			fmt.Fprintf(w, "  %-19s %s\n", e.name, e.v)
		}
	}
	sends := p.Redirect
	if strings.Contains(sends, ":0/") {
		sends = strings.Replace(sends, ":0/", ":PORT/", 1) + ", PORT a free one each run"
	}
	fmt.Fprintf(w, "\nRegister at %s\n  redirect URI: %s (%s)\n  authplay sends: %s\n", p.Console, p.Register, p.PortRule, sends)
	fmt.Fprintf(w, "  scope: %s\n", p.Scope)
	for _, kv := range p.AuthParams {
		fmt.Fprintf(w, "  authorization parameter: %s=%s\n", kv.Key, kv.Value)
	}
	fmt.Fprintln(w, "\nSteps:")
	for i, s := range p.Steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
	fmt.Fprintln(w, "\nWhat authplay does about its habits:")
	for _, q := range p.Quirks {
		fmt.Fprintf(w, "  - %s\n", q)
	}
}

// newProvidersFlagSet defines the flags; the completions and the man page
// read the same definitions (see commands).
func newProvidersFlagSet(stdio IO) (*string, *flag.FlagSet) {
	fs := flag.NewFlagSet("authplay providers", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	output := fs.String("output", "text", "text or json")
	fs.Usage = func() {
		fmt.Fprint(stdio.Err, `Usage: authplay providers [--output json] [NAME]

Lists the providers authplay has presets for: what each needs from you
([name]: optional, or has a default) and the redirect URI to register.
With a NAME, shows that provider's endpoints, registration steps and the
habits authplay handles for it. The TUI's New profile offers the same.

`)
		fs.PrintDefaults()
	}
	return output, fs
}
