package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacesig"
)

type endpointKeys struct {
	Send, WrongKey, Altered, Stale, Seconds, Curl, Up, Down, Back key.Binding
}

// endpointScreen plays the application's endpoint and walks through the
// verification of each request Space sends it.
type endpointScreen struct {
	c        *common
	keys     endpointKeys
	ep       *spacesig.Endpoint
	url      string
	err      error
	inbox    chan spacesig.Received
	public   *jose.JSONWebKeySet
	keysNote string
	received []spacesig.Received
	selected int
	note     string
}

type (
	receivedMsg   struct{ rec spacesig.Received }
	publicKeysMsg struct {
		set   *jose.JSONWebKeySet
		steps []flows.Step
		err   error
	}
	sentMsg struct {
		what string
		err  error
	}
)

func newEndpointScreen(c *common) *endpointScreen {
	return &endpointScreen{c: c, inbox: make(chan spacesig.Received, 64), keys: endpointKeys{
		Send: bind("s", "s", "send a signed request"), WrongKey: bind("1", "1", "wrong key"), Altered: bind("2", "2", "altered body"),
		Stale: bind("3", "3", "stale"), Seconds: bind("4", "4", "seconds"), Curl: bind("c", "c", "copy a signed curl"),
		Up: bind("up,k", "↑/↓", "pick a request"), Down: bind("down,j", "↓", "pick a request"), Back: bind("esc", "esc", "back"),
	}}
}

func (e *endpointScreen) signingKey() flows.Secret { return e.c.deps.Profile.SigningKey }

func (e *endpointScreen) verificationKeys() spacesig.Keys {
	return spacesig.Keys{SigningKey: e.signingKey(), PublicKeys: e.public, Now: time.Now()}
}

// start opens the endpoint and fetches Space's public keys with an
// application token, the client credentials flow the person just met.
func (e *endpointScreen) start() tea.Cmd {
	inbox := e.inbox
	ep, err := spacesig.Listen("127.0.0.1:0", e.verificationKeys, func(r spacesig.Received) { inbox <- r })
	if err != nil {
		e.err = err
		return nil
	}
	e.ep, e.url = ep, ep.URL+"/space"
	e.keysNote = "fetching Space's public keys with an application token…"
	p, creds := e.c.deps.Profile.Params, e.c.deps.Profile.Creds
	env := e.c.deps.Env
	fetch := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		set, steps, err := spacesig.FetchPublicKeys(ctx, env, p.Provider.ServiceURL, p.ClientID, creds.ClientSecret)
		return publicKeysMsg{set: set, steps: steps, err: err}
	}
	return tea.Batch(fetch, e.waitReceived())
}

func (e *endpointScreen) waitReceived() tea.Cmd {
	inbox := e.inbox
	return func() tea.Msg { return receivedMsg{rec: <-inbox} }
}

func (e *endpointScreen) Typing() bool { return false }

func (e *endpointScreen) Keys() []key.Binding {
	demo := e.c.demo() != nil && e.ep != nil
	for _, b := range []*key.Binding{&e.keys.Send, &e.keys.WrongKey, &e.keys.Altered, &e.keys.Stale, &e.keys.Seconds} {
		b.SetEnabled(demo)
	}
	e.keys.Curl.SetEnabled(e.ep != nil && e.signingKey() != "")
	e.keys.Up.SetEnabled(len(e.received) > 1)
	return []key.Binding{e.keys.Send, e.keys.WrongKey, e.keys.Altered, e.keys.Stale, e.keys.Seconds, e.keys.Curl, e.keys.Up, e.keys.Back}
}

func (e *endpointScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case receivedMsg:
		e.received = append([]spacesig.Received{msg.rec}, e.received...)
		e.selected = 0
		return e, e.waitReceived()
	case publicKeysMsg:
		if msg.err != nil {
			e.keysNote = "Space's public keys could not be fetched: " + flows.Explain(msg.err, flows.ExplainContext{Space: true, ClientID: e.c.deps.Profile.Params.ClientID}).Fix
		} else {
			e.public = msg.set
			e.keysNote = fmt.Sprintf("%d public key(s), fetched with an application token (client credentials)", len(msg.set.Keys))
		}
	case sentMsg:
		e.note = "the built-in server sent " + msg.what
		if msg.err != nil {
			e.note = "sending failed: " + msg.err.Error()
		}
	case tea.KeyPressMsg:
		return e, e.key(msg)
	}
	return e, nil
}

var tamperOf = map[string]struct{ tamper, what string }{
	"s": {"", "a correctly signed chat message"},
	"1": {"wrong-key", "a request signed with the wrong key"},
	"2": {"altered-body", "a request whose body changed after signing"},
	"3": {"stale-timestamp", "a request ten minutes old"},
	"4": {"seconds-timestamp", "a request dated in seconds instead of milliseconds"},
}

func (e *endpointScreen) key(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, e.keys.Back):
		if e.ep != nil {
			e.ep.Close() //nolint:errcheck
		}
		return emit(backMsg{})
	case key.Matches(k, e.keys.Up):
		e.selected = max(0, e.selected-1)
	case key.Matches(k, e.keys.Down):
		e.selected = min(len(e.received)-1, e.selected+1)
	case key.Matches(k, e.keys.Curl) && e.keys.Curl.Enabled():
		body := []byte(`{"className":"ChatMessageCreatedEvent","message":{"body":{"className":"ChatMessage.Text","text":"hello from curl"}}}`)
		h, err := spacesig.Sign(e.signingKey(), body, time.Now())
		if err != nil {
			e.note = err.Error()
			return nil
		}
		cmd := fmt.Sprintf("curl -sS -X POST %s -H 'Content-Type: application/json' -H 'X-Space-Timestamp: %s' -H 'X-Space-Signature: %s' --data-binary %s",
			shellQuote(e.url), h.Get("X-Space-Timestamp"), h.Get("X-Space-Signature"), shellQuote(string(body)))
		return copyCmd(e.c, cmd, "a signed curl command (accepted once, within 5 minutes)")
	default:
		t, ok := tamperOf[k.String()]
		if !ok || e.c.demo() == nil || e.ep == nil {
			return nil
		}
		demo, url := e.c.demo(), e.url
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return sentMsg{what: t.what, err: demo.SendSigned(ctx, url, t.tamper)}
		}
	}
	return nil
}

func (e *endpointScreen) View() string {
	s := e.c.styles
	w := e.c.width - 4
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("Endpoint verification") + "\n\n")
	if e.err != nil {
		b.WriteString(wrapIndent(s.Err.Render("✗ ")+e.err.Error(), w, 2, s.Text) + "\n")
		return b.String()
	}
	fmt.Fprintf(&b, "  %s %s\n", s.Subtle.Render("authplay is your app's endpoint, listening at"), s.Accent.Render(e.url))
	sk := s.Warn.Render("none")
	if e.signingKey() != "" {
		sk = s.OK.Render("set") + s.Subtle.Render(" (HMAC-SHA256)")
	}
	fmt.Fprintf(&b, "  %s %s  %s %s\n", s.Subtle.Render("signing key"), sk, s.Subtle.Render("·"), s.Subtle.Render(e.keysNote))
	if e.note != "" {
		b.WriteString("  " + s.Subtle.Render(e.note) + "\n")
	}
	if len(e.received) == 0 {
		b.WriteString("\n" + wrapIndent("No request yet. Press s to have the built-in server send a signed chat message, or 1–4 for a broken one. From your own Space, set the application's endpoint to the address above (through a tunnel).", w, 2, s.Text) + "\n")
		return b.String()
	}
	b.WriteString("\n  " + s.Title.Render("Requests") + s.Subtle.Render(" (newest first)") + "\n")
	for i, r := range e.received[:min(len(e.received), 4)] {
		cursor := "  "
		if i == e.selected {
			cursor = s.Selected.Render("› ")
		}
		verdict := s.OK.Render("✓ PASS") + "  " + s.Subtle.Render(r.Check.Method)
		if !r.Check.OK {
			verdict = s.Err.Render("✗ FAIL") + "  " + s.Subtle.Render(r.Check.Reason())
		}
		b.WriteString(truncate(fmt.Sprintf("  %s%s %s %s  %s", cursor, r.At.Format("15:04:05"), r.Method, r.Path, verdict), e.c.width) + "\n")
	}
	b.WriteString(e.walkthrough(e.received[e.selected]))
	return b.String()
}

// walkthrough shows the exact bytes involved and each check's verdict.
func (e *endpointScreen) walkthrough(r spacesig.Received) string {
	s := e.c.styles
	w := e.c.width - 4
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("How it was checked") + "\n")
	fmt.Fprintf(&b, "  %s %s\n", s.Key.Render("X-Space-Timestamp"), s.Value.Render(or(r.Header["X-Space-Timestamp"], "(missing)")))
	fmt.Fprintf(&b, "  %s %s\n", s.Key.Render("signed string    "), s.Value.Render(truncate(fmt.Sprintf("%q", r.Check.Signed), w-20)))
	for _, v := range r.Check.Verdicts {
		mark := map[flows.Outcome]string{flows.Pass: s.OK.Render("✓"), flows.Fail: s.Err.Render("✗"), flows.Warn: s.Warn.Render("!"), flows.NotApplicable: s.Subtle.Render("–")}[v.Outcome]
		b.WriteString(wrapIndent(fmt.Sprintf("%s %s: %s", mark, v.Check, v.Detail), w, 2, s.Text) + "\n")
	}
	return b.String()
}
