package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacesig"
)

type signatureKeys struct {
	Send, WrongKey, Altered, Stale, Seconds, Curl, Up, Down, Back key.Binding
}

// signatures plays the application's endpoint and walks through the
// verification of each request Space sends it (Space's request signatures).
type signatures struct {
	frame
	keys  signatureKeys
	ep    *spacesig.Endpoint
	url   string
	err   error
	inbox chan spacesig.Received
	// public is read by the listener's goroutine for each request, and set
	// here once fetched.
	public   *atomic.Pointer[jose.JSONWebKeySet]
	keysNote string
	received []spacesig.Received
	selected int
	note     string
}

func newSignatures(k *kit, id int) *signatures {
	return &signatures{frame: frame{k: k, id: id}, inbox: make(chan spacesig.Received, 64), public: &atomic.Pointer[jose.JSONWebKeySet]{}, keys: signatureKeys{
		Send: bind("s", "s", "send a signed request"), WrongKey: bind("1", "1", "wrong key"), Altered: bind("2", "2", "altered body"),
		Stale: bind("3", "3", "stale"), Seconds: bind("4", "4", "seconds"), Curl: bind("c", "c", "copy a signed curl"),
		Up: bind("up,k", "↑/↓", "pick a request"), Down: bind("down,j", "↓", "pick a request"), Back: bind("esc", "esc", "back"),
	}}
}

func (e *signatures) Title() string            { return "endpoint verification" }
func (e *signatures) signingKey() flows.Secret { return e.k.state.profile.SigningKey }

// Init opens the endpoint in a command.
func (e *signatures) Init() tea.Cmd {
	inbox, owner := e.inbox, e.id
	signing, pub := e.signingKey(), e.public
	keys := func() spacesig.Keys {
		return spacesig.Keys{SigningKey: signing, PublicKeys: pub.Load(), Now: time.Now()}
	}
	return func() tea.Msg {
		ep, err := spacesig.Listen("127.0.0.1:0", keys, func(r spacesig.Received) { inbox <- r })
		return listeningMsg{owner: owner, ep: ep, err: err}
	}
}

// fetchKeys fetches Space's public keys with an application token, the
// client credentials flow the person just met.
func (e *signatures) fetchKeys() tea.Cmd {
	p, creds, env, owner := e.k.state.profile.Params, e.k.state.profile.Creds, e.k.deps.Env, e.id
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		set, _, err := spacesig.FetchPublicKeys(ctx, env, p.Provider.ServiceURL, p.ClientID, creds.ClientSecret)
		return publicKeysMsg{owner: owner, set: set, err: err}
	}
}

func (e *signatures) waitReceived() tea.Cmd {
	inbox, owner := e.inbox, e.id
	return func() tea.Msg { return receivedMsg{owner: owner, rec: <-inbox} }
}

func (e *signatures) ShortHelp() []key.Binding {
	demo := e.k.demo() != nil && e.ep != nil
	for _, b := range []*key.Binding{&e.keys.Send, &e.keys.WrongKey, &e.keys.Altered, &e.keys.Stale, &e.keys.Seconds} {
		b.SetEnabled(demo)
	}
	e.keys.Curl.SetEnabled(e.ep != nil && e.signingKey() != "")
	e.keys.Up.SetEnabled(len(e.received) > 1)
	return []key.Binding{e.keys.Send, e.keys.WrongKey, e.keys.Altered, e.keys.Stale, e.keys.Seconds, e.keys.Curl, e.keys.Up, e.keys.Back}
}

func (e *signatures) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

func (e *signatures) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case listeningMsg:
		if msg.owner != e.id {
			if msg.ep != nil {
				msg.ep.Close() //nolint:errcheck // nobody is on this screen any more
			}
			return e, nil
		}
		if msg.err != nil {
			e.err = msg.err
			return e, nil
		}
		e.ep, e.url = msg.ep, msg.ep.URL+"/space"
		e.keysNote = "fetching Space's public keys with an application token…"
		return e, tea.Batch(e.fetchKeys(), e.waitReceived())
	case receivedMsg:
		if msg.owner != e.id {
			return e, nil
		}
		e.received = append([]spacesig.Received{msg.rec}, e.received...)
		e.selected = 0
		return e, e.waitReceived()
	case publicKeysMsg:
		if msg.owner != e.id {
			return e, nil
		}
		if msg.err != nil {
			e.keysNote = "Space's public keys could not be fetched: " + flows.Explain(msg.err, flows.ExplainContext{Family: e.k.state.profile.Params.Provider.FamilyOf(), ClientID: e.k.state.profile.Params.ClientID}).Fix
		} else {
			e.public.Store(msg.set)
			e.keysNote = fmt.Sprintf("%d public key(s), fetched with an application token (client credentials)", len(msg.set.Keys))
		}
	case sentMsg:
		if msg.owner != e.id {
			return e, nil
		}
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

func (e *signatures) key(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, e.keys.Back):
		e.id = -1 // what is still on its way belongs to no screen now
		ep := e.ep
		closeEndpoint := func() tea.Msg {
			if ep != nil {
				ep.Close() //nolint:errcheck // closing a listener we own
			}
			return nil
		}
		return tea.Batch(closeEndpoint, emit(showPickerMsg{}))
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
		return copyCmd(e.k.deps, cmd, "a signed curl command (accepted once, within 5 minutes)")
	default:
		t, ok := tamperOf[k.String()]
		if !ok || e.k.demo() == nil || e.ep == nil {
			return nil
		}
		demo, url, owner := e.k.demo(), e.url, e.id
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return sentMsg{owner: owner, what: t.what, err: demo.SendSigned(ctx, url, t.tamper)}
		}
	}
	return nil
}

func (e *signatures) View() string {
	s := e.k.styles
	w := e.width - 4
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
		b.WriteString(beside(fmt.Sprintf("  %s%s %s ", cursor, r.At.Format("15:04:05"), r.Method), r.Path+"  "+verdict, e.width) + "\n")
	}
	b.WriteString(e.walkthrough(e.received[e.selected]))
	return b.String()
}

// walkthrough shows the exact bytes involved and each check's verdict.
func (e *signatures) walkthrough(r spacesig.Received) string {
	s := e.k.styles
	w := e.width - 4
	var b strings.Builder
	b.WriteString("\n  " + s.Title.Render("How it was checked") + "\n")
	fmt.Fprintf(&b, "  %s %s\n", s.Key.Render("X-Space-Timestamp"), s.Value.Render(cmpOr(r.Header["X-Space-Timestamp"], "(missing)")))
	b.WriteString(indent(beside(s.Key.Render("signed string     "), s.Value.Render(hardWrap(fmt.Sprintf("%q", r.Check.Signed), w-18)), w), 2) + "\n")
	for _, v := range r.Check.Verdicts {
		mark := map[flows.Outcome]string{flows.Pass: s.OK.Render("✓"), flows.Fail: s.Err.Render("✗"), flows.Warn: s.Warn.Render("!"), flows.NotApplicable: s.Subtle.Render("–")}[v.Outcome]
		b.WriteString(wrapIndent(fmt.Sprintf("%s %s: %s", mark, v.Check, v.Detail), w, 2, s.Text) + "\n")
	}
	return b.String()
}
