package wire_test

import (
	"testing"

	"github.com/authplay/authplay/flows/wire"
)

func TestPeekMasksShortValuesAndTheMiddleOfLongOnes(t *testing.T) {
	if wire.Peek("short") != "••••••" || wire.Peek("eyJhbGciOiJSUzUxMiJ9.abc.def") != "eyJhbG….def" {
		t.Errorf("peek: %q %q", wire.Peek("short"), wire.Peek("eyJhbGciOiJSUzUxMiJ9.abc.def"))
	}
}
