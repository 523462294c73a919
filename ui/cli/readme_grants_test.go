package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readmeFlowRow is the command in the README flow table's row for a flow:
// the last code span of the row that starts with title.
func readmeFlowRow(t *testing.T, readme, title string) string {
	t.Helper()
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "| "+title+" ") {
			spans := strings.Split(line, "`")
			if len(spans) < 3 {
				break
			}
			return spans[len(spans)-2]
		}
	}
	t.Fatalf("the README's flow table has no row with a command for %s", title)
	return ""
}

// readmeBlock is the README's sh block that holds want.
func readmeBlock(t *testing.T, readme, want string) string {
	t.Helper()
	for _, part := range strings.Split(readme, "```sh\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, want) {
			return block
		}
	}
	t.Fatalf("the README has no sh block with %q", want)
	return ""
}

// The README's commands for token exchange and the JWT bearer grant work as
// written against `authplay demo-server` (its address swapped for the
// test's), in bash, with the authplay binary first on PATH.
func TestReadmeGrantCommandsWork(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("openssl is not installed, and AUTHPLAY_E2E=1 requires it")
		}
		t.Skip("openssl is not installed; skipping the README's assertion recipe (set AUTHPLAY_E2E=1 to make this a failure)")
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	serverURL, _ := demoServer(t)
	exchange := readmeFlowRow(t, readme, "Token Exchange (RFC 8693)")
	jwtRow := readmeFlowRow(t, readme, "JWT Bearer (RFC 7523)")
	recipe := readmeBlock(t, readme, "--flow jwt_bearer")
	if !strings.Contains(recipe, jwtRow) {
		t.Errorf("the JWT Bearer row's command is not the recipe's last line:\n%s\n%s", jwtRow, recipe)
	}
	dir := t.TempDir()
	sh := func(script string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", strings.ReplaceAll(script, "http://127.0.0.1:9090", serverURL))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "DISPLAY=", "BROWSER=")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s\nstderr:\n%s", err, script, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	for name, script := range map[string]string{"token exchange": exchange, "JWT bearer": recipe} {
		t.Run(name, func(t *testing.T) {
			out, _ := sh(script)
			var answer map[string]any
			if err := json.Unmarshal([]byte(out), &answer); err != nil || answer["access_token"] == nil {
				t.Fatalf("stdout is not a token response: %q", out)
			}
			if name == "token exchange" && answer["issued_token_type"] == nil {
				t.Errorf("no issued_token_type: %v", answer)
			}
		})
	}
	// "Run the last line twice": the same jti again is refused, and said so.
	lines := strings.Split(strings.TrimSpace(recipe), "\n")
	cmd := exec.Command("bash", "-c", "export CS=demo-secret; "+strings.ReplaceAll(lines[len(lines)-1], "http://127.0.0.1:9090", serverURL))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"), "XDG_STATE_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "fresh jti") {
		t.Errorf("the second run: %v\n%s", err, out)
	}
}
