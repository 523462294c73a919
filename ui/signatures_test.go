package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/authplay/authplay/flows/spacesig"
	"github.com/authplay/authplay/themes"
)

// A fixed request, so the walk-through renders the same on every run.
func fixedReceived(t *testing.T, body string, tamper func(http.Header)) spacesig.Received {
	t.Helper()
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	h, err := spacesig.Sign("demo-signing-key-7f3a9c2e", []byte(`{"text":"hello, bot"}`), at)
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(h)
	}
	check := spacesig.Verify(h, []byte(body), spacesig.Keys{SigningKey: "demo-signing-key-7f3a9c2e", Now: at.Add(2 * time.Second)})
	return spacesig.Received{At: at, Method: "POST", Path: "/space", Header: map[string]string{"X-Space-Timestamp": h.Get("X-Space-Timestamp")}, Body: body, Check: check}
}

func TestEndpointWalkthroughGolden(t *testing.T) {
	p := Profile{Name: "Demo Space (offline)", SigningKey: "demo-signing-key-7f3a9c2e"}
	k := &kit{deps: &Deps{}, styles: themes.New("mono", true), state: &appState{profile: p}}
	e := newSignatures(k, 1)
	e.SetSize(80, 21)
	e.url, e.keysNote = "http://127.0.0.1:8787/space", "1 public key(s), fetched with an application token"
	e.ep = &spacesig.Endpoint{}
	e.received = []spacesig.Received{
		fixedReceived(t, `{"text":"hello, bot!"}`, nil), // the body changed after signing
		fixedReceived(t, `{"text":"hello, bot"}`, nil),
	}
	golden.RequireEqual(t, ansi.Strip(e.View()))
	e.selected = 1
	if v := ansi.Strip(e.View()); !strings.Contains(v, "✓ signing key: HMAC-SHA256") {
		t.Fatalf("the valid request's walk-through:\n%s", v)
	}
}
