package ui

import (
	"encoding/json"
	"fmt"
	"strings"

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
	switch form {
	case "access_token":
		return at, nil
	case "header":
		return "Authorization: Bearer " + at, nil
	case "curl":
		api, err := flows.ResolveAPIURL(st.Params.Provider, flows.DefaultTestCall(st.Params.Provider, st.Method).Path)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("curl -H 'Authorization: Bearer %s' -H 'Accept: application/json' %s", at, shellQuote(api)), nil
	case "json":
		if len(st.Token.Raw) > 0 {
			return string(st.Token.Raw), nil
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

// authplayCommand repeats the flow headlessly; secrets are left to
// variables so the line is safe to paste into a ticket.
func authplayCommand(st flows.State) string {
	p := st.Params
	args := []string{"authplay", "token", "--flow", string(st.Method)}
	switch p.Provider.Kind {
	case flows.KindSpace:
		args = append(args, "--space-url", p.Provider.ServiceURL)
	case flows.KindDiscovery:
		args = append(args, "--issuer", p.Provider.Issuer)
	default:
		if p.Provider.AuthURL != "" {
			args = append(args, "--auth-url", p.Provider.AuthURL)
		}
		if p.Provider.TokenURL != "" {
			args = append(args, "--token-url", p.Provider.TokenURL)
		}
	}
	if p.ClientID != "" {
		args = append(args, "--client-id", p.ClientID, "--client-secret-env", "CLIENT_SECRET")
	}
	if p.Scope != "" {
		args = append(args, "--scope", shellQuote(p.Scope))
	}
	if p.AuthStyle != "" && p.AuthStyle != flows.AuthBasic {
		args = append(args, "--auth-style", string(p.AuthStyle))
	}
	if st.Method == flows.Password {
		args = append(args, "--username", p.Username, "--password-env", "PASSWORD")
	}
	return strings.Join(args, " ")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
