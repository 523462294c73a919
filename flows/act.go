package flows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/flows/wire"
)

// The act claim (RFC 8693 §4.1) names who acts for the token's subject:
// the outermost act is the current actor, and an act inside it the one
// before, and so on. The issuer wrote every byte of it, so what is shown
// is bounded in depth and length and made safe to print.

const (
	// actShown is how many actors a description names; actWalked how far
	// a chain is followed to say how deep it goes.
	actShown  = 4
	actWalked = 64
	// actText bounds each name taken from the claim.
	actText = 60
)

// actor is one party of an act chain.
type actor struct{ sub, clientID, iss string }

func (a actor) String() string {
	name := a.sub
	if name == "" {
		name = a.clientID
	}
	if name == "" {
		name = "(an actor with no sub)"
	}
	if a.clientID != "" && a.clientID != a.sub {
		name += " (client " + a.clientID + ")"
	}
	if a.iss != "" {
		name += " of " + a.iss
	}
	return name
}

// actChain reads an act claim, the current actor first. deeper is how many
// more actors nest past the walked ones (0, or -1 for "beyond counting");
// problem says what is wrong when the claim is not a chain of objects.
func actChain(v any) (chain []actor, deeper int, problem string) {
	for depth := 0; v != nil; depth++ {
		obj, ok := v.(map[string]any)
		if !ok {
			if depth == 0 {
				return nil, 0, "act is " + jsonKind(v) + ", not the JSON object RFC 8693 §4.1 requires"
			}
			return chain, 0, fmt.Sprintf("the act nested %d deep is %s, not an object", depth, jsonKind(v))
		}
		if depth == actWalked {
			return chain, -1, ""
		}
		chain = append(chain, actor{sub: claimText(obj["sub"]), clientID: claimText(obj["client_id"]), iss: claimText(obj["iss"])})
		v = obj["act"]
	}
	return chain, 0, ""
}

// claimText is a claim's string, bounded and safe to print; "" for
// anything that is not a string.
func claimText(v any) string {
	s, _ := v.(string)
	return termsafe.Line(wire.Head(s, actText))
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	}
	return "not an object"
}

// ActDescription says in words what an act claim says: who acts now, and
// who acted before, at most a few of them. It is the inspector's reading
// of the claim, and the step's.
func ActDescription(v any) string {
	chain, deeper, problem := actChain(v)
	if len(chain) == 0 {
		return problem
	}
	var b strings.Builder
	b.WriteString(chain[0].String() + " acts for the subject")
	var earlier []string
	for _, a := range chain[1:min(len(chain), actShown)] {
		earlier = append(earlier, a.String())
	}
	switch rest := len(chain) - actShown; {
	case deeper < 0:
		earlier = append(earlier, fmt.Sprintf("more than %d more", actWalked-actShown))
	case rest > 0:
		earlier = append(earlier, fmt.Sprintf("%d more", rest))
	}
	if len(earlier) > 0 {
		b.WriteString(" (earlier actors, latest first: " + strings.Join(earlier, ", then ") + ")")
	}
	if problem != "" {
		b.WriteString("; " + problem)
	}
	return b.String()
}

// actVerdict reads a token's act claim as a check: delegation when a
// well-formed act names the actor; for a token exchange without one,
// impersonation. ok is false when there is nothing to say.
func actVerdict(j *jwtcheck.JWT, exchanged bool) (Verdict, bool) {
	act, has := j.Claims["act"]
	switch {
	case !has && exchanged:
		return Verdict{"act", NotApplicable, "no act claim: impersonation, the token simply acts as its subject and nothing in it says another party asked for it (RFC 8693 §1.1)"}, true
	case !has:
		return Verdict{}, false
	}
	chain, _, problem := actChain(act)
	if len(chain) == 0 || problem != "" {
		return Verdict{"act", Warn, "act is malformed: " + ActDescription(act)}, true
	}
	subject := cmp.Or(claimText(j.Claims["preferred_username"]), claimText(j.Claims["name"]), claimText(j.Claims["sub"]), "the subject")
	return Verdict{"act", Pass, "delegation: the token is about " + subject + ", and " + ActDescription(act) + " (RFC 8693 §4.1)"}, true
}

// actVerdicts is the act check of the state's access token, when there is
// one to make: the token is a JWT with an act claim, or came from a token
// exchange.
func actVerdicts(st State) []Verdict {
	at := st.Token.AccessToken.Reveal()
	if !jwtcheck.LooksLikeJWT(at) {
		return nil
	}
	j, err := jwtcheck.Decode(at)
	if err != nil {
		return nil
	}
	if v, ok := actVerdict(j, st.Method == TokenExchange); ok {
		return safeVerdicts([]Verdict{v})
	}
	return nil
}

// ActsFor says on whose behalf the current token acts and, when the token
// names one, who is acting for them.
func (st State) ActsFor() string {
	who := st.principal()
	if st.Token == nil || !jwtcheck.LooksLikeJWT(st.Token.AccessToken.Reveal()) {
		return who
	}
	j, err := jwtcheck.Decode(st.Token.AccessToken.Reveal())
	if err != nil {
		return who
	}
	if chain, _, _ := actChain(j.Claims["act"]); len(chain) > 0 {
		return who + ", via " + chain[0].String()
	}
	return who
}
