package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, IO{Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestProvidersListsEveryPreset(t *testing.T) {
	code, out, errs := runCLI(t, "providers")
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	presets := flows.Presets()
	if len(presets) < 9 || len(lines) != len(presets) {
		t.Fatalf("want one line per preset (at least nine), got %d lines for %d presets:\n%s", len(lines), len(presets), out)
	}
	for i, p := range presets {
		if !strings.HasPrefix(lines[i], string(p.ID)+" ") || !strings.Contains(lines[i], p.Name) ||
			!strings.Contains(lines[i], "register: "+p.Register) || !strings.Contains(lines[i], "needs: ") {
			t.Errorf("line %d: %q", i, lines[i])
		}
		for _, n := range p.Needed() {
			if !strings.Contains(lines[i], n) {
				t.Errorf("%s needs %s; the line does not say so: %q", p.ID, n, lines[i])
			}
		}
	}
	for _, want := range []string{"GitHub", "GitLab", "Google", "Microsoft Entra ID", "Auth0", "Okta", "Keycloak", "AWS Cognito", "JetBrains Space"} {
		if !strings.Contains(out, want) {
			t.Errorf("%s is missing", want)
		}
	}
}

func TestProvidersDetailAndJSON(t *testing.T) {
	code, out, _ := runCLI(t, "providers", "google")
	if code != ExitOK || !strings.Contains(out, "access_type=offline") || !strings.Contains(out, "prompt=consent") ||
		!strings.Contains(out, "Steps:") || !strings.Contains(out, "http://127.0.0.1:PORT/callback, PORT a free one each run") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "providers", "--output", "json")
	var all []flows.Preset
	if err := json.Unmarshal([]byte(out), &all); code != ExitOK || err != nil || len(all) != len(flows.Presets()) {
		t.Fatalf("exit %d, %v", code, err)
	}
	for _, p := range all {
		if p.ID == "" || p.Register == "" || p.Console == "" || len(p.Steps) == 0 || len(p.Quirks) == 0 {
			t.Errorf("incomplete preset in JSON: %+v", p)
		}
	}
	code, out, _ = runCLI(t, "providers", "--output", "json", "entra")
	var one flows.Preset
	if err := json.Unmarshal([]byte(out), &one); code != ExitOK || err != nil || one.ID != "entra" || one.Needs[0].Name != "tenant" {
		t.Fatalf("exit %d, %v, %+v", code, err, one)
	}
	if code, _, errs := runCLI(t, "providers", "githb"); code != ExitUsage || !strings.Contains(errs, "github, gitlab") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI(t, "providers", "--output", "yaml"); code != ExitUsage || !strings.Contains(errs, "text or json") {
		t.Fatalf("exit %d, %q", code, errs)
	}
}

// The README's real-server section is tested against the preset table, so
// the two cannot drift: one bullet per preset, each with the redirect URI
// to register, and none for a provider the table does not have.
func TestReadmeRealServerSectionMatchesPresets(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Pointing it at a real server\n")
	if !ok {
		t.Fatal(`README.md has no "## Pointing it at a real server" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	bullets := map[string]string{} // name -> the bullet's text, continuation lines joined
	var order []string
	var cur string
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "- **"):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "- **"), "**")
			cur = name
			order = append(order, name)
			bullets[name] = line
		case strings.HasPrefix(line, "  ") && cur != "":
			bullets[cur] += " " + strings.TrimSpace(line)
		default:
			cur = ""
		}
	}
	presets := flows.Presets()
	for i, p := range presets {
		text, ok := bullets[p.Name]
		switch {
		case !ok:
			t.Errorf("the README has no bullet for %s", p.Name)
		case !strings.Contains(text, "`"+p.Register+"`"):
			t.Errorf("the README's %s bullet does not give the redirect URI to register, `%s`:\n%s", p.Name, p.Register, text)
		case i < len(order) && order[i] != p.Name:
			t.Errorf("bullet %d is %s; the README follows the table's order (%s)", i+1, order[i], p.Name)
		}
		for _, n := range p.Needed() {
			if ok && !strings.Contains(text, "`"+n+"`") {
				t.Errorf("the README's %s bullet does not say it needs `%s`", p.Name, n)
			}
		}
	}
	if len(order) != len(presets) {
		t.Errorf("the README has %d provider bullets for %d presets: %v", len(order), len(presets), order)
	}
}
