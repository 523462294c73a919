package ui

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/themes"
)

// ExchangeLine is one line of an HTTP exchange as a person reads it.
type ExchangeLine struct {
	Part ExchangePart
	Text string
}

// ExchangePart says which part of an exchange a line belongs to.
type ExchangePart int

const (
	PartRequestLine ExchangePart = iota
	PartRequestHeader
	PartRequestBody
	PartStatusLine
	PartResponseHeader
	PartResponseBody
	PartNote    // the proxy, a transport error
	PartDecoded // a signed header decoded for the reader (a DPoP proof)
)

// ExchangeLines writes an exchange whole, as the TUI's Steps panel and
// `authplay token --verbose` both show it: the request line, its headers,
// its body; the status line with the time it took, the response's
// headers, its body (JSON pretty-printed, secrets masked as recorded).
func ExchangeLines(ex wire.Exchange) []ExchangeLine {
	var out []ExchangeLine
	add := func(p ExchangePart, text string) {
		for _, l := range strings.Split(text, "\n") {
			out = append(out, ExchangeLine{p, l})
		}
	}
	add(PartRequestLine, ex.Request.Method+" "+ex.Request.URL)
	for _, k := range sortedKeys(ex.Request.Header) {
		for _, v := range ex.Request.Header[k] {
			if k == "Dpop" {
				v = wire.Peek(v) + "  (decoded below)" // spent once sent; what it says is below
			}
			add(PartRequestHeader, k+": "+v)
		}
	}
	for _, proof := range ex.Request.Header["Dpop"] {
		for _, l := range flows.ProofLines(proof) {
			add(PartDecoded, l)
		}
	}
	if ex.Request.Body != "" {
		add(PartRequestBody, ex.Request.Body)
	}
	if ex.Proxy != "" {
		add(PartNote, "(through the proxy "+ex.Proxy+")")
	}
	if ex.Response == nil {
		if ex.Error != "" {
			add(PartNote, "no answer: "+ex.Error)
		}
		return out
	}
	add(PartStatusLine, fmt.Sprintf("HTTP %d %s · %.1f ms", ex.Response.Status, http.StatusText(ex.Response.Status), float64(time.Duration(ex.Duration))/float64(time.Millisecond)))
	for _, k := range sortedKeys(ex.Response.Header) {
		for _, v := range ex.Response.Header[k] {
			add(PartResponseHeader, k+": "+v)
		}
	}
	if ex.Response.Body != "" {
		add(PartResponseBody, ex.Response.Body)
	}
	return out
}

// exchangeView is an exchange styled for the TUI, each line wrapped to
// width: JSON between its tokens, never inside a key.
func exchangeView(s *themes.Styles, ex wire.Exchange, width int) string {
	var b strings.Builder
	for _, l := range ExchangeLines(ex) {
		st := s.Value
		switch l.Part {
		case PartRequestLine, PartStatusLine:
			st = s.Accent
		case PartRequestHeader, PartResponseHeader:
			st = s.Subtle
		case PartNote:
			st = s.Warn
		case PartDecoded:
			b.WriteString(decodedLine(s, l.Text, width) + "\n")
			continue
		}
		for _, piece := range wrapLine(l.Text, width) {
			b.WriteString(st.Render(piece) + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// decodedLine is a line of a decoded proof: its label, and the rest
// wrapped beside it by words (a URL or a key cut only where it must be).
func decodedLine(s *themes.Styles, text string, width int) string {
	if !strings.HasPrefix(text, "  ") || len(text) <= flows.ProofLabelWidth {
		return wrapIndent(s.Subtle.Render(text), width, 0, s.Subtle)
	}
	head, body := text[:flows.ProofLabelWidth], text[flows.ProofLabelWidth:]
	return beside(s.Subtle.Render(head), s.Subtle.Render(body), width)
}

// wrapLine breaks a line longer than width. A JSON member breaks after its
// key, so a key is never cut; what is left (a URL, a token) is cut where it
// must be, its pieces indented under the line's start.
func wrapLine(line string, width int) []string {
	if width < 16 || len([]rune(line)) <= width {
		return []string{line}
	}
	lead := len(line) - len(strings.TrimLeft(line, " "))
	pad := strings.Repeat(" ", lead+2)
	if k, v, ok := strings.Cut(line, `": `); ok && strings.HasPrefix(strings.TrimSpace(line), `"`) && len([]rune(k))+3 <= width {
		out := []string{k + `":`}
		for _, piece := range strings.Split(hardWrap(v, width-len(pad)), "\n") {
			out = append(out, pad+piece)
		}
		return out
	}
	r := []rune(line)
	out := []string{string(r[:width])}
	for _, piece := range strings.Split(hardWrap(string(r[width:]), width-len(pad)), "\n") {
		out = append(out, pad+piece)
	}
	return out
}

// revealTokens puts the session's own tokens back where a recorded
// exchange shows them by their ends: ctrl+r's "reveal". Secrets the
// session never kept (a client secret, a password) stay masked: they were
// never written down.
func revealTokens(text string, st flows.State) string {
	if st.Token == nil {
		return text
	}
	for _, t := range []flows.Secret{st.Token.AccessToken, st.Token.RefreshToken, st.Token.IDToken, st.Seed} {
		if t != "" && len(t.Reveal()) >= 16 {
			text = strings.ReplaceAll(text, t.Peek(), t.Reveal())
		}
	}
	return text
}
