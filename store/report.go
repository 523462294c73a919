package store

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// Report renders the session as Markdown fit to paste into a bug ticket:
// every step with its requests and responses, already redacted, and the
// token's shape, never its value.
func (s Session) Report() string {
	var b strings.Builder
	info := s.Method.Info()
	fmt.Fprintf(&b, "# authplay session: %s\n\n", info.Title)
	fmt.Fprintf(&b, "- Profile: %s\n- Provider: %s\n- Client ID: %s\n- Started: %s\n- Outcome: %s\n",
		s.Profile, providerLine(s.State.Params.Provider), cmp.Or(s.State.Params.ClientID, "(none)"), s.Created.UTC().Format(time.RFC3339), s.State.Phase)
	if sc := s.State.Params.Scope; sc != "" {
		fmt.Fprintf(&b, "- Scope requested: `%s`\n", sc)
	}
	if t := s.State.Token; t != nil {
		fmt.Fprintf(&b, "- Access token: `%s` (%s), acts for %s\n", t.AccessToken.Peek(), t.TokenType, s.State.ActsFor())
		if !t.Expiry.IsZero() {
			fmt.Fprintf(&b, "- Expires: %s\n", t.Expiry.UTC().Format(time.RFC3339))
		}
		if t.RefreshToken != "" {
			b.WriteString("- Refresh token: issued (not shown)\n")
		}
	}
	if d := s.State.Failure; d != nil {
		fmt.Fprintf(&b, "\n## Failure\n\n**Fix:** %s\n\n**Why:** %s\n\n**Raw:** `%s`\n", d.Fix, d.Cause, d.Raw)
	}
	for i, st := range s.Steps {
		mark := "✓"
		if !st.OK {
			mark = "✗"
		}
		fmt.Fprintf(&b, "\n## %d. %s %s\n\n_%s_\n\n", i+1, mark, st.Caption, st.At.UTC().Format(time.RFC3339))
		if st.WhatHappened != "" {
			b.WriteString(st.WhatHappened + "\n\n")
		}
		for _, n := range st.Notes {
			fmt.Fprintf(&b, "> %s\n\n", n)
		}
		for _, ex := range st.Exchanges {
			writeExchange(&b, ex)
		}
		if st.Diagnosis != nil {
			fmt.Fprintf(&b, "**Fix:** %s\n\n", st.Diagnosis.Fix)
		}
	}
	b.WriteString("\n_Secrets are redacted: client secrets and passwords are never shown, tokens only by their first and last characters._\n")
	return b.String()
}

func providerLine(p flows.Provider) string {
	switch {
	case p.Builtin:
		return "authplay's built-in Space-compatible server"
	case p.ServiceURL != "":
		return fmt.Sprintf("%s (%s)", p.ServiceURL, p.Kind)
	}
	return fmt.Sprintf("token %s, authorization %s", cmp.Or(p.TokenURL, "-"), cmp.Or(p.AuthURL, "-"))
}

func writeExchange(b *strings.Builder, ex wire.Exchange) {
	b.WriteString("```http\n")
	fmt.Fprintf(b, "%s %s\n", ex.Request.Method, ex.Request.URL)
	writeHeaders(b, ex.Request.Header)
	if ex.Request.Body != "" {
		b.WriteString("\n" + ex.Request.Body + "\n")
	}
	b.WriteString("```\n\n")
	if ex.Response == nil {
		fmt.Fprintf(b, "No response: %s\n\n", ex.Error)
		return
	}
	fmt.Fprintf(b, "```http\nHTTP %d  (%s)\n", ex.Response.Status, time.Duration(ex.Duration).Round(time.Millisecond))
	writeHeaders(b, ex.Response.Header)
	if ex.Response.Body != "" {
		b.WriteString("\n" + ex.Response.Body + "\n")
	}
	b.WriteString("```\n\n")
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	for _, k := range []string{"Authorization", "Content-Type", "Accept", "Www-Authenticate", "Location"} {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}
