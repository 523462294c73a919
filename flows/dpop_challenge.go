package flows

import (
	"fmt"
	"strings"

	"github.com/authplay/authplay/flows/termsafe"
)

// Challenge is one challenge of a WWW-Authenticate header (RFC 9110
// §11.6.1): a scheme and its parameters (names in lower case).
type Challenge struct {
	Scheme string
	Params map[string]string
}

// ParseChallenges reads WWW-Authenticate values into their challenges.
// A server chose every byte, so the reading is forgiving (what does not
// parse ends the value) and every result is safe to print.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		out = append(out, parseChallengeList(v)...)
	}
	return out
}

func parseChallengeList(s string) []Challenge {
	var out []Challenge
	var cur *Challenge
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out
		}
		tok := leadingToken(s)
		if tok == "" {
			return out // not a token: the rest cannot be read
		}
		rest := strings.TrimLeft(s[len(tok):], " \t")
		if strings.HasPrefix(rest, "=") && cur != nil && !strings.HasPrefix(rest, "==") {
			name := strings.ToLower(tok)
			val, after, ok := paramValue(strings.TrimLeft(rest[1:], " \t"))
			if !ok {
				return out
			}
			cur.Params[termsafe.Line(name)] = termsafe.Line(val)
			s = after
			continue
		}
		out = append(out, Challenge{Scheme: termsafe.Line(tok), Params: map[string]string{}})
		cur = &out[len(out)-1]
		s = rest
		// A token68 (a credential-like blob) stands alone before the next
		// challenge; "name=" followed by a value is a parameter instead.
		if t68 := leadingToken68(s); t68 != "" {
			if after := strings.TrimLeft(s[len(t68):], " \t"); after == "" || after[0] == ',' {
				s = after
			}
		}
	}
}

// leadingToken is the RFC 9110 token at the start of s.
func leadingToken(s string) string {
	i := 0
	for i < len(s) && isTChar(s[i]) {
		i++
	}
	return s[:i]
}

func leadingToken68(s string) string {
	i := 0
	for i < len(s) && (isAlnum(s[i]) || strings.IndexByte("-._~+/", s[i]) >= 0) {
		i++
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return s[:i]
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isTChar(c byte) bool { return isAlnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 }

// paramValue reads a token or a quoted-string, and what follows it.
func paramValue(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		t := leadingToken(s)
		return t, s[len(t):], t != ""
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false // an unterminated quote
}

// dpopChallenge is the DPoP challenge among a response's WWW-Authenticate
// values, if there is one (RFC 9449 §7.1).
func dpopChallenge(values []string) (Challenge, bool) {
	for _, c := range ParseChallenges(values) {
		if strings.EqualFold(c.Scheme, "DPoP") {
			return c, true
		}
	}
	return Challenge{}, false
}

// maxNonce bounds a server's nonce: it goes into every later proof.
const maxNonce = 1024

// checkNonce holds a DPoP-Nonce to RFC 9449 §8.1: one or more visible
// ASCII characters other than a double quote and a backslash.
func checkNonce(n string) error {
	if len(n) > maxNonce {
		return fmt.Errorf("the server's DPoP-Nonce is %d bytes long; authplay takes at most %d, since it goes into every proof", len(n), maxNonce)
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("the server's DPoP-Nonce %s holds a character RFC 9449 §8.1 does not allow in a nonce (0x%02x at position %d)", termsafe.Line(shortened(n)), c, i)
		}
	}
	return nil
}

// shortened is at most 60 bytes of s, marked when cut.
func shortened(s string) string {
	if len(s) <= 60 {
		return s
	}
	return s[:60] + "…"
}
