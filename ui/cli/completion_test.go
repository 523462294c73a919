package cli_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/themes"
	"github.com/authplay/authplay/ui/cli"
)

// run runs authplay in this process.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// script writes `authplay completion SHELL` to a file.
func script(t *testing.T, shell string) string {
	t.Helper()
	code, out, errs := run(t, "completion", shell)
	if code != 0 || out == "" {
		t.Fatalf("completion %s: exit %d\n%s", shell, code, errs)
	}
	path := filepath.Join(t.TempDir(), "authplay."+shell)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// need finds a shell, or skips; under AUTHPLAY_E2E a missing bash fails
// (zsh and fish are optional: CI installs them when it can).
func need(t *testing.T, shell string) string {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		if shell == "bash" && os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatalf("AUTHPLAY_E2E=1 and bash is missing")
		}
		t.Skipf("%s is not installed", shell)
	}
	return path
}

// shellRun runs a shell with a deadline and returns its stdout.
func shellRun(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out.String(), errb.String())
	}
	return out.String()
}

// bashComplete loads the script in bash, checks `complete` registered it,
// and calls the completion function as bash would for the words, the
// last being the word under the cursor.
func bashComplete(t *testing.T, bash, path string, words ...string) []string {
	t.Helper()
	const driver = `source "$0" || exit 1
complete -p authplay | grep -q -- '-F _authplay' || { echo "complete -p: authplay not registered" >&2; exit 1; }
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_authplay authplay "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
	out := shellRun(t, []string{"AUTHPLAY_TEST_VARIABLE=1"}, bash, append([]string{"--norc", "--noprofile", "-c", driver, path}, words...)...)
	return strings.Fields(out)
}

// commandNames are the commands `authplay --help` lists.
func commandNames(t *testing.T) []string {
	_, _, help := run(t, "--help")
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  authplay ([a-z-]+)`).FindAllStringSubmatch(help, -1) {
		out = append(out, m[1])
	}
	if len(out) < 8 {
		t.Fatalf("authplay --help lists %v", out)
	}
	return out
}

// helpFlags are the flags `authplay CMD --help` prints: what the command parses.
func helpFlags(t *testing.T, args ...string) []string {
	_, _, help := run(t, append(args, "--help")...)
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help, -1) {
		out = append(out, "--"+m[1])
	}
	return out
}

var methods = []string{"authorization_code", "client_credentials", "device_code", "refresh_token", "permanent_token", "password", "implicit", "token_exchange", "jwt_bearer"}

func TestBashCompletion(t *testing.T) {
	bash := need(t, "bash")
	path := script(t, "bash")
	secretFile := filepath.Join(t.TempDir(), "client-secret.txt")
	if err := os.WriteFile(secretFile, []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		words      []string
		want, not  []string
		exactly    bool
		whyNothing string
	}{
		{words: []string{"authplay", "token", "--flow", ""}, want: methods, exactly: true},
		{words: []string{"authplay", "token", "--flow", "cl"}, want: []string{"client_credentials"}, exactly: true},
		{words: []string{"authplay", "token", "--fl"}, want: []string{"--flow"}, exactly: true},
		// bash splits --flow=cl at "=".
		{words: []string{"authplay", "token", "--flow", "="}, want: methods, exactly: true},
		{words: []string{"authplay", "token", "--flow", "=", "dev"}, want: []string{"device_code"}, exactly: true},
		{words: []string{"authplay", "token", "-flow", "imp"}, want: []string{"implicit"}, exactly: true},
		{words: []string{"authplay", "token", "--pkce", ""}, want: []string{"S256", "plain", "off"}, exactly: true},
		{words: []string{"authplay", "token", "--auth-style", ""}, want: []string{"auto", "basic", "body", "none", "private_key_jwt", "client_secret_jwt", "tls_client_auth", "self_signed_tls_client_auth"}, exactly: true},
		{words: []string{"authplay", "token", "--output", ""}, want: []string{"access_token", "header", "curl", "json", "export", "command"}, exactly: true},
		{words: []string{"authplay", "endpoint", "--output", ""}, want: []string{"text", "json"}, exactly: true},
		{words: []string{"authplay", "sign", "--output", ""}, want: []string{"send", "curl"}, exactly: true},
		{words: []string{"authplay", "--theme", ""}, want: themes.Names(), exactly: true},
		{words: []string{"authplay", "--flow", "pa"}, want: []string{"password"}, exactly: true},
		{words: []string{"authplay", ""}, want: commandNames(t), exactly: true},
		{words: []string{"authplay", "prob"}, want: []string{"probe"}, exactly: true},
		{words: []string{"authplay", "completion", ""}, want: []string{"bash", "zsh", "fish"}, exactly: true},
		{words: []string{"authplay", "token", "--client-secret-file", strings.TrimSuffix(secretFile, ".txt")}, want: []string{secretFile}, exactly: true},
		{words: []string{"authplay", "token", "--client-secret-env", "AUTHPLAY_TEST_VAR"}, want: []string{"AUTHPLAY_TEST_VARIABLE"}, exactly: true},
		{words: []string{"authplay", "token", "--scope", ""}, whyNothing: "a scope is free text"},
		{words: []string{"authplay", "token", "--flow", "client_credentials", "--verbose", ""}, whyNothing: "token takes no operands"},
	}
	for _, c := range cases {
		got := bashComplete(t, bash, path, c.words...)
		switch {
		case c.whyNothing != "" && len(got) > 0:
			t.Errorf("%q offers %v; want nothing (%s)", c.words, got, c.whyNothing)
		case c.exactly && !sameSet(got, c.want):
			t.Errorf("%q offers %v; want %v", c.words, got, c.want)
		}
	}
	// Every flag each command parses, and none it does not.
	for _, name := range append([]string{""}, commandNames(t)...) {
		words, args := []string{"authplay", "--"}, []string(nil)
		if name != "" {
			words, args = []string{"authplay", name, "--"}, []string{name}
		}
		want := helpFlags(t, args...)
		if got := bashComplete(t, bash, path, words...); !sameSet(got, want) {
			t.Errorf("authplay %s --<TAB> offers %v; its --help lists %v", name, got, want)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Every value a completion offers is one the command accepts, and a value
// outside the list is refused naming the flag: the lists are the ones the
// commands check against. Every flag the bash script offers values for is
// tried, except where accepting a value starts a program.
func TestCompletedValuesAreAccepted(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	// What reaches a value's check without sending a request: the table;
	// for a field's flag, `token --flow M` for every method M (a value
	// need suit only some) and probe's code flow with no --client-id;
	// else the command alone.
	var tokenFlows [][]string
	for _, m := range methods {
		tokenFlows = append(tokenFlows, []string{"token", "--flow", m})
	}
	prefixes := map[string][][]string{
		"token/flow":   {{"token"}},
		"token/output": {{"token", "--flow", "client_credentials"}},
		"probe/only":   {{"probe"}},
		"token/":       tokenFlows,
		"probe/":       {{"probe", "--auth-url", "http://127.0.0.1:1/auth", "--token-url", "http://127.0.0.1:1/token"}},
	}
	notRun := map[string]string{
		"/flow":            "a valid value opens the TUI; token/flow checks the same list (flows.Specs)",
		"/theme":           "a valid value opens the TUI; themes.Check and themes.Names read one table",
		"demo-server/weak": "a valid value starts a server; spacetest.ParseWeak and Weaknesses read one table",
	}
	code, out, _ := run(t, "completion", "bash")
	if code != 0 {
		t.Fatal("completion bash failed")
	}
	arms := regexp.MustCompile(`(?m)^ +([a-z-]*)/([a-z-]+)\) values=\((.*)\) ;;$`).FindAllStringSubmatch(out, -1)
	if len(arms) < 10 {
		t.Fatalf("the bash script offers values for %d flags:\n%s", len(arms), out)
	}
	refused := func(stderr, flag string) bool {
		return strings.Contains(stderr, "--"+flag+":") || strings.Contains(stderr, "--"+flag+` "`)
	}
	for _, arm := range arms {
		cmd, flag := arm[1], arm[2]
		var values []string
		for _, w := range regexp.MustCompile(`'[^']*'|\S+`).FindAllString(arm[3], -1) {
			values = append(values, strings.Trim(w, "'"))
		}
		if _, ok := notRun[cmd+"/"+flag]; ok {
			continue
		}
		candidates, ok := prefixes[cmd+"/"+flag]
		if !ok {
			candidates, ok = prefixes[cmd+"/"]
		}
		if !ok {
			candidates = [][]string{{cmd}}
		}
		try := func(v string) (accepted, refusedHere bool) {
			for _, p := range candidates {
				code, _, errs := run(t, append(slices.Clone(p), "--"+flag, v)...)
				switch {
				case strings.Contains(errs, "makes no sense"):
				case refused(errs, flag):
					refusedHere = code == 2
				default:
					accepted = true
				}
			}
			return accepted, refusedHere
		}
		for _, v := range values {
			if accepted, _ := try(v); !accepted {
				t.Errorf("authplay %s --%s %q is offered but refused", cmd, flag, v)
			}
		}
		if _, refusedHere := try("not-a-choice"); !refusedHere {
			t.Errorf("authplay %s --%s not-a-choice is not refused naming --%s", cmd, flag, flag)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	zsh := need(t, "zsh")
	path := script(t, "zsh")
	shellRun(t, nil, zsh, "-n", path)
	// Loaded after compinit, it registers for authplay.
	if got := shellRun(t, nil, zsh, "-f", "-c", `autoload -U compinit && compinit -u -D && source "$1" && print -r -- $_comps[authplay]`, "zsh", path); strings.TrimSpace(got) != "_authplay" {
		t.Fatalf("_comps[authplay] = %q", got)
	}
	// Completion for real: an interactive zsh in a pseudo-terminal (zpty)
	// gets the line and a tab, and its screen is read until every wanted
	// word shows or 10 s pass.
	const driver = `zmodload zsh/zpty zsh/datetime || exit 1
zpty z zsh -f -i
zpty -w z "PS1='> '; autoload -U compinit; compinit -u -D; source ${(q)1}; print READY"
zpty -r z line '*READY*'
zpty -w -n z "$2"$'\t'
shift 2
out= deadline=$((EPOCHREALTIME + 10))
while (( EPOCHREALTIME < deadline )); do
  if zpty -r -t z chunk; then out+=$chunk; else sleep 0.05; fi
  ok=1; for w in "$@"; do [[ $out == *$w* ]] || ok=0; done
  (( ok )) && break
done
zpty -d z
print -r -- "$out"`
	for _, c := range []struct {
		line string
		want []string
	}{
		{"authplay token --flow ", methods},
		{"authplay token --fl", []string{"--flow"}}, // zsh writes --flow= (Go flags take both forms)
		{"authplay ", commandNames(t)},
		{"authplay --theme ", themes.Names()},
	} {
		out := ansi.Strip(shellRun(t, nil, zsh, append([]string{"-f", "-c", driver, "zsh", path, c.line}, c.want...)...))
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q<TAB> in zsh does not offer %s; the screen:\n%s", c.line, w, out)
			}
		}
	}
}

func TestFishCompletion(t *testing.T) {
	fish := need(t, "fish")
	path := script(t, "fish")
	shellRun(t, nil, fish, "--no-execute", path)
	complete := func(line string) []string {
		out := shellRun(t, []string{"AUTHPLAY_TEST_VARIABLE=1"}, fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, path, line)
		var words []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			word, _, _ := strings.Cut(l, "\t")
			words = append(words, word)
		}
		return words
	}
	for _, c := range []struct {
		line string
		want []string
	}{
		{"authplay token --flow ", methods},
		{"authplay token --fl", []string{"--flow"}},
		{"authplay ", commandNames(t)},
		{"authplay --theme ", themes.Names()},
		{"authplay token --client-secret-env AUTHPLAY_TEST_VAR", []string{"AUTHPLAY_TEST_VARIABLE"}},
		{"authplay completion ", []string{"bash", "zsh", "fish"}},
	} {
		if got := complete(c.line); !sameSet(got, c.want) {
			t.Errorf("%q offers %v; want %v", c.line, got, c.want)
		}
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"completion"}, "name one shell: bash, zsh, fish"},
		{[]string{"completion", "powershell"}, `no shell "powershell"`},
		{[]string{"completion", "bash", "zsh"}, "name one shell"},
		{[]string{"man", "extra"}, `man: unexpected argument "extra"`},
		{[]string{"version", "--short"}, "flag provided but not defined: -short"},
	} {
		if code, out, errs := run(t, c.args...); code != 2 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d stdout %q stderr %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
}
