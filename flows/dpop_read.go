package flows

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
)

// ProofView is a DPoP proof decoded for a reader: its header, the public
// key it carries, and each claim with what it is for. Every value is safe
// to print: a person's edit may have put anything in a proof.
type ProofView struct {
	Type, Alg string
	JWK       string // the public key, its members as "name value" pairs
	// Thumbprint is the key's RFC 7638 thumbprint, what a server binds
	// tokens to (cnf.jkt); empty when the jwk is not a usable public key.
	Thumbprint string
	Claims     []ProofClaim
}

// ProofClaim is one claim of a proof and what it is for.
type ProofClaim struct{ Name, Value, Meaning string }

// claimMeaning says what each claim of a proof is for (RFC 9449 §4.2).
var claimMeaning = map[string]string{
	"htm":   "the HTTP method this proof is good for",
	"htu":   "the URL it is good for, without query or fragment",
	"iat":   "when it was made: a server takes a proof only for a short while (the built-in server: 60 s)",
	"jti":   "a random ID for this proof alone: the server remembers it, so a captured proof cannot be sent again",
	"ath":   "SHA-256 of the access token it goes with, so it cannot accompany another token",
	"nonce": "a value the server chose and asked for, so no proof can be made in advance",
}

// ReadProof decodes a DPoP proof without checking it: a reader's view.
func ReadProof(proof string) (ProofView, error) {
	j, err := jwtcheck.Decode(proof)
	if err != nil {
		return ProofView{}, err
	}
	v := ProofView{Type: termsafe.Line(headerString(j.Header, "typ")), Alg: termsafe.Line(j.Alg())}
	raw, ok := j.Header["jwk"]
	if !ok {
		return v, errors.New("the proof carries no jwk header")
	}
	b, _ := json.Marshal(raw)
	v.JWK = termsafe.Line(readableJWK(raw, string(b)))
	var key jose.JSONWebKey
	if key.UnmarshalJSON(b) == nil && key.IsPublic() {
		if tp, err := key.Thumbprint(crypto.SHA256); err == nil {
			v.Thumbprint = base64.RawURLEncoding.EncodeToString(tp)
		}
	}
	for _, name := range []string{"htm", "htu", "iat", "jti", "ath", "nonce"} {
		c, ok := j.Claims[name]
		if !ok {
			continue
		}
		value := compactValue(c)
		if name == "iat" {
			if t, ok := j.Time("iat"); ok {
				value = t.Local().Format("15:04:05") + fmt.Sprintf(" (%d)", t.Unix())
			}
		}
		v.Claims = append(v.Claims, ProofClaim{Name: name, Value: termsafe.Line(value), Meaning: claimMeaning[name]})
	}
	return v, nil
}

// Claim is the value of a claim, "" when the proof has none.
func (v ProofView) Claim(name string) string {
	for _, c := range v.Claims {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// ProofLabelWidth is the width of the label column of ProofLines after
// the first line ("  htm     "): a view wraps the rest beside it.
const ProofLabelWidth = 10

// ProofLines are a proof decoded as lines of text, for the exchange views
// (the TUI's Steps panel, `authplay token --verbose`): a title, then each
// part under a label of ProofLabelWidth. A value that is not a proof says
// so in one line.
func ProofLines(proof string) []string {
	v, err := ReadProof(proof)
	if err != nil {
		return []string{"DPoP proof that does not decode: " + termsafe.Line(err.Error())}
	}
	line := func(label, value, meaning string) string {
		return fmt.Sprintf("  %-*s%s: %s", ProofLabelWidth-2, label, value, meaning)
	}
	jwk := "the public key, sent with every proof"
	if v.Thumbprint != "" {
		jwk += "; its thumbprint " + v.Thumbprint + " is what a server binds tokens to (cnf.jkt)"
	}
	out := []string{"DPoP proof, decoded (RFC 9449 §4.2): header, then claims",
		line("typ", v.Type, "a DPoP proof, which no other kind of JWT can pass for"),
		line("alg", v.Alg, "signed with the private key, which never leaves this machine"),
		line("jwk", v.JWK, jwk)}
	for _, c := range v.Claims {
		out = append(out, line(c.Name, c.Value, c.Meaning))
	}
	return out
}

func headerString(h map[string]any, k string) string {
	s, _ := h[k].(string)
	return s
}

func compactValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// proofAge is how old a proof's iat was at now, for the words on a stale
// proof; ok is false without an iat.
func proofAge(proof string, now time.Time) (time.Duration, bool) {
	j, err := jwtcheck.Decode(proof)
	if err != nil {
		return 0, false
	}
	iat, ok := j.Time("iat")
	return now.Sub(iat), ok
}

// readableJWK writes a JWK's members as "crv P-256 · kty EC · x …": words
// a view wraps between members, never inside a JSON string.
func readableJWK(raw any, compact string) string {
	m, ok := raw.(map[string]any)
	if !ok {
		return compact
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, k+" "+compactValue(m[k]))
	}
	return strings.Join(parts, " · ")
}
