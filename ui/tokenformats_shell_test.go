package ui_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/ui"
)

// hostileValues would each run a command if a shell line held them bare.
func hostileValues(marker string) map[string]string {
	return map[string]string{
		"quote":        `ab'c`,
		"substitution": "$(touch " + marker + ")",
		"backticks":    "`touch " + marker + "`",
		"newline":      "line1\ntouch " + marker,
		"spaces":       "a b  c\td",
		"everything":   "x' \"$(touch " + marker + ")\" `touch " + marker + "`; touch " + marker + " #\n'$HOME",
	}
}

// fakeBin puts a program called name first on PATH; it writes each
// argument it gets, NUL-terminated, to out.
func fakeBin(t *testing.T, name string) (path, out string) {
	t.Helper()
	dir := t.TempDir()
	out = filepath.Join(dir, "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> " + out + "; done\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH"), out
}

func runBash(t *testing.T, path, line string) {
	t.Helper()
	cmd := exec.Command("bash", "-c", line)
	cmd.Env = append(os.Environ(), "PATH="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash: %v\n%s\nline: %s", err, out, line)
	}
}

func argsOf(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// Each copy-as form that is a shell line, run in a real bash with the
// hostile value in it, runs exactly the intended command with the value as
// one argument, and nothing else.
func TestShellFormsQuoteEveryValue(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	for name, v := range hostileValues("MARKER") {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			marker := filepath.Join(dir, "PWNED")
			v = strings.ReplaceAll(v, "MARKER", marker)
			prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: "https://idp.example/token", APIBase: "https://api.example/v1?x=1&y=$(touch " + marker + ")"}
			st := flows.Start(flows.Password, flows.Params{Provider: prov, ClientID: "id " + v, Scope: v, Username: v, AuthStyle: flows.AuthBody,
				TokenParams: flows.CustomParams{{Key: "resource", Value: v}, {Key: "audience", Value: "https://api"}}, AccessType: "offline"})
			st.Token = &flows.Token{AccessToken: flows.Secret(v), TokenType: "Bearer", Raw: []byte(`{"access_token":"x"}`)}

			path, out := fakeBin(t, "curl")
			line, err := ui.FormatToken(st, "curl")
			if err != nil {
				t.Fatal(err)
			}
			runBash(t, path, line)
			want := []string{"-sS", "-H", "Authorization: Bearer " + v, "-H", "Accept: application/json", prov.APIBase}
			if got := argsOf(t, out); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("curl got %q, want %q", got, want)
			}

			line, err = ui.FormatToken(st, "export")
			if err != nil {
				t.Fatal(err)
			}
			got := filepath.Join(dir, "exported")
			runBash(t, os.Getenv("PATH"), line+"; printf '%s' \"$ACCESS_TOKEN\" > "+got)
			if b, _ := os.ReadFile(got); string(b) != v {
				t.Errorf("export gave %q, want %q", b, v)
			}

			path, out = fakeBin(t, "authplay")
			line, err = ui.FormatToken(st, "command")
			if err != nil {
				t.Fatal(err)
			}
			runBash(t, path, "CLIENT_SECRET=x PASSWORD=y "+line)
			args := argsOf(t, out)
			for flag, want := range map[string]string{"--client-id": "id " + v, "--scope": v, "--username": v} {
				i := slicesIndex(args, flag)
				if i < 0 || i+1 >= len(args) || args[i+1] != want {
					t.Errorf("command: %s got %q, want %q (args %q)", flag, args, want, args)
				}
			}

			if i := slicesIndex(args, "--token-param"); i < 0 || args[i+1] != "resource="+v || args[i+2] != "--token-param" || args[i+3] != "audience=https://api" {
				t.Errorf("command: each custom parameter is one --token-param with its value whole: %q", args)
			}
			if slicesIndex(args, "--access-type") >= 0 {
				t.Errorf("command: Space's --access-type for another server: %q", args)
			}

			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("a payload ran: %s exists", marker)
			}
		})
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
