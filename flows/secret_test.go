package flows_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
)

func TestSecretsMaskThemselvesUnderEveryVerb(t *testing.T) {
	const value = "s3cret-value-0123456789"
	s := flows.Secret(value)
	c := flows.Credentials{ClientSecret: s, Password: s}
	for _, out := range []string{
		fmt.Sprintf("%v %s %q %x %X %#v %+v %d", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", c, c, &c),
		fmt.Sprint(s), fmt.Sprintln(c), s.String(), s.Peek(),
	} {
		if strings.Contains(out, value) || strings.Contains(strings.ToLower(out), fmt.Sprintf("%x", value)[:12]) {
			t.Errorf("a secret leaks: %q", out)
		}
	}
	if s.Reveal() != value {
		t.Fatal("Reveal lost the value")
	}
	// JSON carries the value: what is persisted is decided by the caller,
	// and Credentials never sit inside State.
	b, _ := json.Marshal(flows.State{Seed: s})
	if !strings.Contains(string(b), value) {
		t.Fatal("State.Seed must persist (a brought refresh token is needed after a restart)")
	}
}
