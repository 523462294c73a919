package flows

import (
	"fmt"
	"slices"

	"github.com/authplay/authplay/flows/jwtcheck"
)

// CheckIDToken adds the OpenID Connect checks: aud, azp, nonce, at_hash,
// c_hash and s_hash when the token carries them.
func CheckIDToken(idToken, accessToken string, in CheckInput) []Verdict {
	return safeVerdicts(checkIDToken(idToken, idBinding{accessToken: accessToken}, in))
}

// idBinding is what one ID token is bound to besides the nonce: the access
// token issued with it (at_hash), the code and state of the redirect that
// brought it (c_hash, s_hash), and where it came from, which decides what
// it must carry.
type idBinding struct {
	accessToken string
	// refreshed: the ID token came from a refresh, where its nonce may be
	// absent but must not differ (OIDC Core §12.2).
	refreshed bool
	// needAtHash and needCHash: the redirect brought the ID token with an
	// access token or a code, so it must carry their hash (OIDC Core
	// §3.2.2.10, §3.3.2.11): without it, a token or a code could be
	// swapped in beside it.
	needAtHash, needCHash bool
}

func checkIDToken(idToken string, b idBinding, in CheckInput) []Verdict {
	j, err := jwtcheck.Decode(idToken)
	if err != nil {
		return []Verdict{{Check: "id_token", Outcome: Fail, Detail: "the ID token does not decode: " + err.Error()}}
	}
	out := []Verdict{signatureVerdict(idToken, j, in)}
	out = append(out, timeVerdicts(j, in)...)
	out = append(out, issuerVerdict(j, in))
	aud := j.Audience()
	switch {
	case in.ClientID == "":
	case slices.Contains(aud, in.ClientID):
		out = append(out, Verdict{"aud", Pass, "the ID token is meant for this client (" + in.ClientID + ")"})
	default:
		out = append(out, Verdict{"aud", Fail, fmt.Sprintf("the ID token is meant for %v, not for %s: never accept someone else's ID token", aud, in.ClientID)})
	}
	if azp := j.Str("azp"); azp != "" && in.ClientID != "" {
		if azp == in.ClientID {
			out = append(out, Verdict{"azp", Pass, "authorized party is this client"})
		} else {
			out = append(out, Verdict{"azp", Fail, "authorized party is " + azp + ", not this client"})
		}
	} else if len(aud) > 1 {
		out = append(out, Verdict{"azp", Warn, "several audiences but no azp: OIDC Core §2 expects one"})
	}
	out = append(out, nonceVerdict(j.Str("nonce"), in.Nonce, b.refreshed))
	out = append(out, hashVerdict("at_hash", j, b.accessToken, "", b.needAtHash, "the access token"))
	cwant := ""
	if h, ok := lookupHalfHash(in.CodeHashes, j.Alg()); ok {
		cwant = h
	}
	if j.Str("c_hash") != "" || b.needCHash {
		out = append(out, hashVerdict("c_hash", j, "", cwant, b.needCHash, "the code"))
	}
	if j.Str("s_hash") != "" {
		out = append(out, hashVerdict("s_hash", j, in.SentState, "", false, "the state"))
	}
	return out
}

// nonceVerdict tells the nonce's cases apart, since each means something
// else: none sent; carried back (this sign-in's token); missing from a
// first ID token (nothing ties it to this sign-in); absent from a
// refreshed one (allowed); different (replayed from another sign-in).
func nonceVerdict(got, sent string, refreshed bool) Verdict {
	switch {
	case sent == "":
		return Verdict{"nonce", NotApplicable, "no nonce was sent"}
	case got == sent && refreshed:
		return Verdict{"nonce", Pass, "the refreshed ID token carries the nonce of the sign-in, as OIDC Core §12.2 requires when it carries one"}
	case got == sent:
		return Verdict{"nonce", Pass, "matches the nonce authplay sent, so this ID token was made for this sign-in, not replayed"}
	case got == "" && refreshed:
		return Verdict{"nonce", Pass, "absent, which OIDC Core §12.2 allows for an ID token from a refresh"}
	case got == "":
		return Verdict{"nonce", Fail, "missing: authplay sent a nonce and the ID token must carry it back (OIDC Core §3.1.3.7); without it nothing ties the token to this sign-in"}
	case refreshed:
		return Verdict{"nonce", Fail, "differs from the nonce of the sign-in: a refreshed ID token must carry the same one or none (OIDC Core §12.2)"}
	}
	return Verdict{"nonce", Fail, "differs from the nonce authplay sent: the ID token may be replayed from another sign-in"}
}

// hashVerdict checks an ID token's half hash of a value it is bound to
// (at_hash, c_hash, s_hash: OIDC Core §3.1.3.6, §3.3.2.11; s_hash from
// FAPI): computed from the value, or given already computed when the
// value itself is gone (a spent code).
func hashVerdict(claim string, j *jwtcheck.JWT, value, precomputed string, required bool, what string) Verdict {
	got := j.Str(claim)
	want, ok := precomputed, precomputed != ""
	if !ok && value != "" {
		want, ok = jwtcheck.HalfHash(j.Alg(), value)
	}
	switch {
	case got == "" && required:
		return Verdict{claim, Fail, "missing: an ID token that comes in the redirect with " + what + " must carry its hash (OIDC Core §3.3.2.11); without it " + what + " could have been swapped"}
	case got == "":
		return Verdict{claim, NotApplicable, "no " + claim + " claim"}
	case !ok && value == "" && precomputed == "":
		return Verdict{claim, NotApplicable, claim + " is present, but " + what + " it binds to is not known here"}
	case !ok:
		return Verdict{claim, Warn, "cannot compute " + claim + " for alg " + j.Alg()}
	case got == want:
		return Verdict{claim, Pass, "the ID token is bound to " + what}
	}
	return Verdict{claim, Fail, claim + " does not match " + what + ": they were not issued together"}
}

// halfHashSizes are the hash sizes an ID token's alg can name.
var halfHashSizes = []string{"256", "384", "512"}

// halfHashes are a value's half hashes for each hash size, so a c_hash can
// be judged after the code is spent, whatever alg the ID token uses.
func halfHashes(v string) map[string]string {
	out := map[string]string{}
	for _, bits := range halfHashSizes {
		if h, ok := jwtcheck.HalfHash("RS"+bits, v); ok {
			out[bits] = h
		}
	}
	return out
}

func lookupHalfHash(m map[string]string, alg string) (string, bool) {
	if len(alg) < 5 || m == nil {
		return "", false
	}
	h, ok := m[alg[len(alg)-3:]]
	return h, ok
}

// FrontChannel is what a hybrid flow's redirect brought beside the code
// (OIDC Core §3.3.2.5), kept to be judged with the tokens.
type FrontChannel struct {
	IDToken     Secret `json:"id_token,omitempty"`
	AccessToken Secret `json:"access_token,omitempty"`
}

// binding is what the redirect's ID token must be bound to: always the
// code, and the access token when one came beside it.
func (f FrontChannel) binding(responseType string) idBinding {
	return idBinding{accessToken: f.AccessToken.Reveal(), needCHash: true, needAtHash: asks(responseType, "token")}
}

// sameSubject compares the redirect's ID token with the token endpoint's:
// OIDC Core §3.3.3.6 wants the same issuer and subject, or the code was
// someone else's.
func sameSubject(front, back string) Verdict {
	fj, ferr := jwtcheck.Decode(front)
	bj, berr := jwtcheck.Decode(back)
	switch {
	case ferr != nil || berr != nil:
		return Verdict{"id_token sub", NotApplicable, "one of the ID tokens does not decode"}
	case fj.Str("sub") == bj.Str("sub") && fj.Str("iss") == bj.Str("iss"):
		return Verdict{"id_token sub", Pass, "the redirect's ID token and the token endpoint's name the same user of the same issuer"}
	}
	return Verdict{"id_token sub", Fail, "the redirect's ID token names " + fj.Str("sub") + " but the token endpoint's names " + bj.Str("sub") + ": the code answered someone else's sign-in (OIDC Core §3.3.3.6)"}
}
