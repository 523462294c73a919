package ui

import (
	"slices"
	"strings"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// preview is the request the first step will send, as the method builds
// it, secrets masked: what the run sends, but for a redirect URI's port 0,
// which the listener picks when the flow starts. warnings name each
// parameter of authplay's own that a custom one replaces.
func (f *form) preview() (warnings []string, request string) {
	st, creds := f.draft.Restart(f.prev)
	m, err := flows.New(st, creds)
	if err != nil {
		return nil, f.noRequest(err)
	}
	req, ok, err := m.Pending(flows.Input{})
	if err != nil {
		return nil, f.noRequest(err)
	}
	if !ok {
		return nil, ""
	}
	for _, k := range req.Overrides {
		warnings = append(warnings, "⚠ "+k+": your custom value overrides authplay's own")
	}
	for _, l := range f.draft.Lint() {
		warnings = append(warnings, "⚠ "+l)
	}
	// One entry per line: the box counts them, and nothing is cut.
	var lines []string
	for _, warn := range warnings {
		lines = append(lines, strings.Split(beside("", warn, f.width-6), "\n")...)
	}
	return lines, requestLines(req.Shown(), f.width-6)
}

// noRequest says, where the preview would be, why the request cannot be
// built yet: a preview that vanished without a word reads as a bug.
func (f *form) noRequest(err error) string {
	s := f.k.styles
	lines := strings.Split(beside("", "no request yet: "+termsafe.Line(err.Error()), f.width-6), "\n")
	for i, l := range lines {
		lines[i] = s.Warn.Render(l)
	}
	return strings.Join(lines, "\n")
}

// dpopAtSend stands for a DPoP header in a request not yet sent: flows
// signs a fresh proof (a new jti and time) into the request as it goes, so
// the one a preview holds is never the one sent.
const dpopAtSend = "DPoP: a fresh proof, signed with this session's key when sent"

// requestLines writes a request as a person reads it: the request line,
// the headers, the body.
func requestLines(m wire.Message, width int) string {
	var b strings.Builder
	b.WriteString(hardWrap(m.Method+" "+m.URL, width))
	for _, k := range sortedKeys(m.Header) {
		if k == "User-Agent" || k == "Accept" || k == "Content-Type" {
			continue // the same for every request; the Steps panel shows them
		}
		if k == "Dpop" {
			// Signed afresh at every send (a new jti and time): the value
			// would change with every frame, so it is said, not shown.
			b.WriteString("\n" + hardWrap(dpopAtSend, width))
			continue
		}
		for _, v := range m.Header[k] {
			b.WriteString("\n" + hardWrap(k+": "+v, width))
		}
	}
	if m.Body != "" {
		b.WriteString("\n" + hardWrap(m.Body, width))
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
