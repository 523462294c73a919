package cli

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A value with a space (a response type such as "code id_token") is
// offered as one argument by each shell's script. No flag of this build
// may have one, so the scripts are written for a made-up command.
func TestCompletionOfValuesWithSpaces(t *testing.T) {
	cs := []commandSpec{{}, {name: "token", summary: "get a token", flags: []flagSpec{
		{name: "response-type", usage: "response type", values: []string{"code", "code id_token", "id_token token"}},
	}}}
	write := func(shell string) string {
		i := 0
		for i < len(shells) && shells[i].name != shell {
			i++
		}
		var b strings.Builder
		shells[i].write(&b, cs)
		path := filepath.Join(t.TempDir(), "authplay."+shell)
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	shell := func(name string, args ...string) string {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Logf("%s is not installed: not checked", name)
			return ""
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return string(out)
	}
	// bash: offered escaped, so the line keeps it as one word; matched
	// against what was typed, escapes and all.
	const driver = `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _authplay; printf '%s\n' "${COMPREPLY[@]}"`
	if _, err := exec.LookPath("bash"); err == nil {
		bashScript := write("bash")
		for _, c := range []struct{ cur, want string }{
			{"", `code|code\ id_token|id_token\ token`},
			{`code\ i`, `code\ id_token`},
			{"id", `id_token\ token`},
		} {
			got := strings.ReplaceAll(strings.TrimSpace(shell("bash", "--norc", "--noprofile", "-c", driver, bashScript, "authplay", "token", "--response-type", c.cur)), "\n", "|")
			if got != c.want {
				t.Errorf("bash, %q: offers %s; want %s", c.cur, got, c.want)
			}
		}
	}
	// fish: one candidate each, spaces and all.
	if out := shell("fish", "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, write("fish"), "authplay token --response-type "); out != "" {
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			got = append(got, w)
		}
		if strings.Join(got, "|") != "code|code id_token|id_token token" {
			t.Errorf("fish offers %q", got)
		}
	}
	// zsh: the list escapes the space for _arguments, and the script parses.
	zsh := write("zsh")
	if b, err := os.ReadFile(zsh); err != nil || !strings.Contains(string(b), `:(code code\ id_token id_token\ token)'`) {
		t.Errorf("zsh spec: %v\n%s", err, b)
	}
	shell("zsh", "-n", zsh)
}

// A value a script could not hold as written is refused when the scripts
// are made, rather than written broken.
func TestPlainValue(t *testing.T) {
	for v, want := range map[string]bool{
		"code": true, "code id_token": true, "S256": true, "http://127.0.0.1:0/callback": true, "high-contrast": true,
		"": false, "(not sent)": false, "a  b": false, " a": false, "a ": false, "it's": false, `a"b`: false, "a$b": false, "a\tb": false, "é": false,
	} {
		if got := plainValue(v); got != want {
			t.Errorf("plainValue(%q) = %v", v, got)
		}
	}
	bad := command{name: "x", flags: func(IO) *flag.FlagSet {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.String("mode", "", "a mode")
		return fs
	}, values: map[string]func() []string{"mode": func() []string { return []string{"ok", "it's"} }}}
	if _, err := describe(bad); err == nil || !strings.Contains(err.Error(), `"it's"`) {
		t.Fatalf("describe: %v", err)
	}
}
