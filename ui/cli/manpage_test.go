package cli_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func manSource(t *testing.T) string {
	t.Helper()
	code, out, errs := run(t, "man")
	if code != 0 || errs != "" {
		t.Fatalf("man: exit %d\n%s", code, errs)
	}
	return out
}

// The page's structure, read in its roff source: the sections a man page
// has, and under OPTIONS every flag of every command, as its --help lists
// them, in that command's subsection.
func TestManPageSource(t *testing.T) {
	src := manSource(t)
	if !strings.HasPrefix(src, `.\"`) || !strings.Contains(src, "\n.TH AUTHPLAY 1 ") {
		t.Fatalf("no title header:\n%.300s", src)
	}
	var sections []string
	for _, m := range regexp.MustCompile(`(?m)^\.SH (.+)$`).FindAllStringSubmatch(src, -1) {
		sections = append(sections, m[1])
	}
	want := []string{"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS", "FILES", "SECURITY", "SEE ALSO"}
	if strings.Join(sections, ",") != strings.Join(want, ",") {
		t.Errorf("sections %v; want %v", sections, want)
	}
	for _, f := range []string{"profiles.json", "settings.json", "sessions.db"} {
		if !strings.Contains(src, f) {
			t.Errorf("FILES does not name %s", f)
		}
	}
	blocks := subsections(src)
	for _, name := range append([]string{""}, commandNames(t)...) {
		args, title := []string(nil), "authplay"
		if name != "" {
			args, title = []string{name}, "authplay "+name
		}
		block, ok := blocks[title]
		if !ok {
			t.Errorf("OPTIONS has no subsection %q", title)
			continue
		}
		for _, fl := range helpFlags(t, args...) {
			tag := regexp.MustCompile(`(?m)^\.BI? ` + regexp.QuoteMeta(strings.ReplaceAll(fl, "-", `\-`)) + `( |$)`)
			if !tag.MatchString(block) {
				t.Errorf("%s: %s is missing from the man page", title, fl)
			}
		}
		if !strings.Contains(src, "\n.B "+strings.ReplaceAll(name, "-", `\-`)+"\n") && name != "" {
			t.Errorf("COMMANDS or SYNOPSIS does not name %s", name)
		}
	}
}

// subsections splits OPTIONS into its .SS blocks, by title.
func subsections(src string) map[string]string {
	out := map[string]string{}
	_, options, _ := strings.Cut(src, "\n.SH OPTIONS\n")
	options, _, _ = strings.Cut(options, "\n.SH ")
	for _, part := range strings.Split(options, ".SS ")[1:] {
		title, body, _ := strings.Cut(part, "\n")
		out[strings.ReplaceAll(strings.Trim(title, `"`), `\-`, "-")] = body
	}
	return out
}

// The page renders without a warning (groff -ww, as man -l would run it)
// at 80 columns and at 60.
func TestManPageRenders(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("AUTHPLAY_E2E=1 and groff is missing")
		}
		t.Skip("groff is not installed; TestManPageSource checked the structure")
	}
	page := filepath.Join(t.TempDir(), "authplay.1")
	if err := os.WriteFile(page, []byte(manSource(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, width := range []string{"78n", "58n"} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, groff, "-man", "-Tutf8", "-P-cbou", "-ww", "-rLL="+width, page)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		if err != nil || errb.Len() > 0 {
			t.Errorf("groff at %s: %v\n%s", width, err, errb.String())
		}
		text := strings.Join(strings.Fields(out.String()), " ") // as justified and wrapped
		for _, want := range []string{"NAME", "authplay - an OAuth 2.0", "EXIT STATUS", "SECURITY", "--client-secret-env variable"} {
			if !strings.Contains(text, want) {
				t.Errorf("the rendered page at %s lacks %q", width, want)
			}
		}
	}
}
