package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// Only an explicit yes goes on; a closed stdin, like no, sends nothing.
func TestConfirmRemoteGoesOnOnlyOnYes(t *testing.T) {
	for _, c := range []struct {
		in   io.Reader
		want int
		says string
	}{
		{strings.NewReader("y\n"), -1, ""},
		{strings.NewReader("  YES  \n"), -1, ""},
		{strings.NewReader("yes"), -1, ""}, // no newline before the end
		{strings.NewReader("n\n"), ExitUsage, "nothing was sent to a.example, b.example"},
		{strings.NewReader("\n"), ExitUsage, "nothing was sent"},
		{strings.NewReader(""), ExitUsage, "stdin is closed"},
		{nil, ExitUsage, "stdin is closed"},
	} {
		var errb bytes.Buffer
		got := confirmRemote(IO{In: c.in, Err: &errb}, []string{"a.example", "b.example"})
		if got != c.want || !strings.Contains(errb.String(), "this revokes tokens at a.example, b.example; go on? [y/N]") || !strings.Contains(errb.String(), c.says) {
			t.Errorf("answer %v: %d, stderr %q", c.in, got, errb.String())
		}
	}
}
