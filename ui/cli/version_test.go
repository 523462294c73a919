package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestVersionInProcess(t *testing.T) {
	code, out, errs := run(t, "version")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "authplay ") || !strings.Contains(out, "\ngo: "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n") {
		t.Fatalf("version says:\n%s", out)
	}
	if code, same, _ := run(t, "--version"); code != 0 || same != out {
		t.Fatalf("--version: exit %d\n%s\nwant\n%s", code, same, out)
	}
}

// git runs git in dir.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=authplay test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// vcsBuild builds authplay, as it is in this work tree, in a git
// repository of its own with one commit, the way `go install` builds a
// clone: with version control information. (A git worktree, where this
// repository may be checked out, has a .git file rather than a
// directory, and the go command records nothing there.)
func vcsBuild(t *testing.T) (bin, revision string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("AUTHPLAY_E2E=1 and git is missing")
		}
		t.Skip("git is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	for _, name := range strings.Split(git(t, root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"), "\x00") {
		if name == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet in the index
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, repo, "init", "-q")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "the work tree under test")
	bin = filepath.Join(t.TempDir(), "authplay")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildvcs=true: %v\n%s", err, out)
	}
	return bin, git(t, repo, "rev-parse", "HEAD")
}

// A build from a clone says which commit it is, and its User-Agent
// carries the same version (before, it said authplay/dev whatever the
// build).
func TestVersionOfACloneBuild(t *testing.T) {
	bin, rev := vcsBuild(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	version := strings.TrimPrefix(strings.SplitN(text, "\n", 2)[0], "authplay ")
	// go build stamps a pseudo-version from the commit: v0.0.0-<time>-<12 hex>.
	if !regexp.MustCompile(`^v0\.0\.0-\d{14}-` + rev[:12] + `$`).MatchString(version) {
		t.Errorf("version %q: want the pseudo-version of %s\n%s", version, rev, text)
	}
	for _, want := range []string{"\nrevision: " + rev + "\n", "\nmodified: false\n", "\ncommitted: 20"} {
		if !strings.Contains(text, want) {
			t.Errorf("version lacks %q:\n%s", want, text)
		}
	}

	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"at-1","token_type":"Bearer","expires_in":60}`)) //nolint:errcheck
	}))
	defer srv.Close()
	cmd := exec.Command(bin, "token", "--flow", "client_credentials", "--token-url", srv.URL+"/token", "--client-id", "c", "--output", "access_token")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("token: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "authplay/" + version + " (+OAuth 2.0 playground)"; len(agents) != 1 || agents[0] != want {
		t.Fatalf("User-Agent %q; want %q", agents, want)
	}
}
