package cli

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Text beyond ASCII in a usage (an arrow, an ellipsis) and roff's own
// characters reach the page as written, without a troff warning: troff
// reads such characters only as escapes.
func TestManPageEscapesText(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	usage := `a → b… with a \backslash, "quotes" and --dashes`
	cs := []commandSpec{{flags: []flagSpec{{name: "odd-flag", usage: usage}}}, {name: "x", summary: ".starts with a dot"}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, groff, "-man", "-Tutf8", "-P-cbou", "-ww", "-rLL=200n")
	cmd.Stdin = strings.NewReader(manPage(cs, "v1.0.0"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil || errb.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, errb.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{usage, "--odd-flag value", ".starts with a dot"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q:\n%s", want, text)
		}
	}
}
