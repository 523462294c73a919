package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
)

// TokenForm is one way of writing a token down: the TUI's "copy as" menu
// and `authplay token --output` offer the same list.
type TokenForm struct {
	Name  string // the --output value
	Label string // the menu's short label
	What  string // "copied …" says this
}

// TokenForms lists the forms in menu order.
var TokenForms = []TokenForm{
	{"access_token", "token", "the access token"},
	{"header", "Authorization header", "an Authorization header"},
	{"curl", "curl", "a curl command"},
	{"json", "JSON response", "the token response as JSON"},
	{"export", "export line", "an export line"},
	{"command", "authplay command", "an authplay command line (no secrets in it)"},
}

// TokenFormNames is the list for a usage message.
func TokenFormNames() string {
	var names []string
	for _, f := range TokenForms {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// FormatToken writes the session's token in the named form.
func FormatToken(st flows.State, form string) (string, error) {
	if st.Token == nil {
		return "", fmt.Errorf("there is no token yet")
	}
	at := st.Token.AccessToken.Reveal()
	if at == "" && form != "json" && form != "command" {
		return "", fmt.Errorf("there is no access token: response_type=id_token brings an ID token alone; the json form shows it")
	}
	switch form {
	case "access_token":
		return at, nil
	case "header":
		if st.DPoPBound() {
			return "Authorization: DPoP " + at, nil
		}
		return "Authorization: Bearer " + at, nil
	case "curl":
		if st.DPoPBound() {
			return dpopCurl(st, time.Now())
		}
		api, err := flows.ResolveAPIURL(st.Params.Provider, flows.DefaultTestCall(st.Params.Provider, st.Method).Path)
		if err != nil {
			return "", err
		}
		return curlStart(st) + " -H " + shellQuote("Authorization: Bearer "+at) + " -H 'Accept: application/json' " + shellQuote(st.Params.APIVia(api)), nil
	case "json":
		if len(st.Token.Raw) > 0 {
			return terminalSafeJSON(st.Token.Raw)
		}
		// A pasted token has no server response; say what is known.
		b, err := json.Marshal(map[string]string{"access_token": at, "token_type": st.Token.TokenType})
		return string(b), err
	case "export":
		return "export ACCESS_TOKEN=" + shellQuote(at), nil
	case "command":
		return authplayCommand(st), nil
	}
	return "", fmt.Errorf("unknown form %q: choose one of %s", form, TokenFormNames())
}

// authplayCommand repeats the flow headlessly, each of the method's fields
// as its flag; secrets are left to variables (named after the field) so
// the line is safe to paste into a ticket.
func authplayCommand(st flows.State) string {
	p := st.Params
	d := flows.Draft{Method: st.Method, Params: p}
	args := []string{"authplay", "token", "--flow", shellWord(string(st.Method))}
	endpoints := true
	switch p.Provider.Kind {
	case flows.KindSpace:
		args, endpoints = append(args, "--space-url", shellWord(p.Provider.ServiceURL)), false
	case flows.KindDiscovery:
		args, endpoints = append(args, "--issuer", shellWord(p.Provider.Issuer)), false
	}
	for _, fd := range flows.SpecOf(st.Method).FieldDefsFor(&d) {
		v := d.Get(fd.ID)
		switch {
		case fd.Kind == flows.KindParams:
			// One flag a pair, each value as it is: --auth-param 'k=a b'.
			ps, _ := flows.ParseCustomParams(v)
			for _, p := range ps {
				args = append(args, "--"+fd.Flag(), shellWord(p.Key+"="+p.Value))
			}
		case fd.Secret():
			if fd.ID != flows.FieldClientSecret || p.AuthStyle != flows.AuthNone {
				args = append(args, "--"+fd.Flag()+"-env", strings.ToUpper(string(fd.ID)))
			}
		case fd.Kind == flows.KindURL && !endpoints, v == "":
		case fd.Switch:
			args = append(args, "--"+fd.Flag()) // on: the flag alone
		case fd.ID == flows.FieldRedirectURI && v == "http://127.0.0.1:0/callback":
		default:
			args = append(args, "--"+fd.Flag(), shellWord(v))
		}
	}
	return strings.Join(args, " ")
}

// curlStart is a curl line's start for the run: silent (no progress
// meter in a pipe; errors still shown), with the run's client certificate
// (a certificate-bound token is refused without it, RFC 8705 §3) and the
// CA file it trusts.
func curlStart(st flows.State) string {
	line := "curl -sS"
	if p := st.Params; p.TLSCertFile != "" {
		line += " --cert " + shellQuote(p.TLSCertFile) + " --key " + shellQuote(cmpOr(p.TLSKeyFile, p.TLSCertFile))
	}
	if ca := st.Params.Provider.CAFile; ca != "" {
		line += " --cacert " + shellQuote(ca)
	}
	return line
}

// shellQuote makes s one word for a POSIX shell, whatever it holds: inside
// single quotes nothing is special but the quote itself, which is closed,
// escaped and reopened. Every value in a shell line passes through here or
// shellWord, since a server chose many of them (the token first of all).
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ShellQuote is shellQuote for the other front doors: every line authplay
// prints for a shell quotes its values the same way.
func ShellQuote(s string) string { return shellQuote(s) }

// shellWord leaves a plain word (letters, digits, and -_./:=@%+,) bare, so
// common lines stay readable, and quotes anything else.
func shellWord(s string) string {
	if s == "" {
		return "''"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r)) {
			return shellQuote(s)
		}
	}
	return s
}

// terminalSafeJSON re-encodes a server's JSON so that no character in it
// can act on a terminal: JSON may carry C1 controls and bidirectional
// overrides raw inside strings; written as \u escapes they mean the same
// to any JSON reader.
func terminalSafeJSON(raw []byte) (string, error) {
	if !json.Valid(raw) {
		return "", fmt.Errorf("the token response is not valid JSON, so it is not printed")
	}
	var b strings.Builder
	for _, r := range string(raw) {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}
