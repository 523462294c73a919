package flows_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
)

// The built-in server lists every grant it has by its registered name
// (token exchange and the JWT bearer grant by their URNs): linting a
// method against its discovery document warns of no grant it has.
func TestLintNamesGrantsAsTheServerLists(t *testing.T) {
	s := spacetest.Start(t)
	prov, _, err := flows.Discover(context.Background(), http.DefaultClient, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range flows.Specs() {
		for _, w := range prov.Lint(spec.Info.Method, flows.AuthBasic, "", flows.PKCEOff) {
			if strings.Contains(w, "grant types") {
				t.Errorf("%s: %s", spec.Info.Method, w)
			}
		}
	}
}
