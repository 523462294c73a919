package flows

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authplay/authplay/flows/wire"
)

// dpopSituation is what went wrong with DPoP, as far as authplay can tell
// from what it sent and what came back.
type dpopSituation int

const (
	dpopStale          dpopSituation = iota + 1 // the proof was too old (iat)
	dpopOtherURL                                // the proof named another URL (htu)
	dpopOtherMethod                             // the proof named another method (htm)
	dpopProofNeeded                             // the server wants proofs; this session sends none
	dpopBadProof                                // any other invalid_dpop_proof
	dpopNonceExhausted                          // use_dpop_nonce again after the retry with its nonce
	dpopNonceMissing                            // use_dpop_nonce with no usable DPoP-Nonce header
	dpopNonceOwnProof                           // use_dpop_nonce for a proof the person wrote
	dpopBoundAsBearer                           // a DPoP-bound token sent with the Bearer scheme
	dpopOtherKey                                // the token is bound to another key than the proof's
	dpopUnboundAsDPoP                           // a Bearer token sent with the DPoP scheme
	dpopBoundRefresh                            // a refresh token bound to a key, without a proof by it
)

// DPoPError is a refusal that involves DPoP, with what authplay knows of
// its cause. It unwraps to the server's OAuthError.
type DPoPError struct {
	*OAuthError
	situation dpopSituation
	detail    string // what authplay measured (a clock's lag, the bad nonce)
}

func (e *DPoPError) Unwrap() error { return e.OAuthError }

// dpopRefusal turns a refusal into a DPoPError when DPoP is its cause:
// the server's error code (in its JSON, or in the WWW-Authenticate DPoP
// challenge of a resource) read together with what this step sent, to the
// token endpoint or, with resource, to an API.
func (b *base) dpopRefusal(err error, exchanges []wire.Exchange, resource bool) error {
	if err == nil || len(exchanges) == 0 || exchanges[len(exchanges)-1].Response == nil {
		return err
	}
	last := exchanges[len(exchanges)-1]
	var oe *OAuthError
	code, desc := "", ""
	if errors.As(err, &oe) {
		code, desc = oe.Code, oe.Description
	}
	// A DPoP challenge speaks of this refusal only when it names an error:
	// a server that takes both schemes offers DPoP beside a Bearer error.
	ch, found := dpopChallenge(last.Response.Header["Www-Authenticate"])
	challenged := found && ch.Params["error"] != ""
	if challenged {
		code = ch.Params["error"]
		if desc == "" {
			desc = ch.Params["error_description"]
		}
	}
	sit, detail := b.classifyDPoP(code, desc, last, challenged, resource)
	if sit == 0 {
		return err
	}
	return &DPoPError{OAuthError: serverError(code, desc, "", last.Response.Status), situation: sit, detail: detail}
}

func (b *base) classifyDPoP(code, desc string, last wire.Exchange, challenged, resource bool) (dpopSituation, string) {
	run := b.run
	if run == nil {
		run = &dpopRun{}
	}
	lower := strings.ToLower(desc)
	scheme := schemeOf(last.Request)
	sentProof := len(last.Request.Header["Dpop"]) > 0
	bound := b.st.Token != nil && (strings.EqualFold(b.st.Token.TokenType, "DPoP") || boundToKey(b.st.Token.AccessToken) != "")
	switch {
	case code == "use_dpop_nonce" && run.respected:
		return dpopNonceOwnProof, ""
	case code == "use_dpop_nonce" && run.retried:
		return dpopNonceExhausted, ""
	case code == "use_dpop_nonce":
		return dpopNonceMissing, run.badNonce
	case code == "invalid_dpop_proof" && !sentProof:
		return dpopProofNeeded, ""
	case code == "invalid_dpop_proof" && (strings.Contains(lower, "stale") || strings.Contains(lower, "iat") || strings.Contains(lower, "too old")):
		return dpopStale, clockLag(run.lastProof, last)
	case code == "invalid_dpop_proof" && strings.Contains(lower, "htu"):
		return dpopOtherURL, ""
	case code == "invalid_dpop_proof" && strings.Contains(lower, "htm"):
		return dpopOtherMethod, ""
	case code == "invalid_dpop_proof":
		return dpopBadProof, ""
	case code == "invalid_grant" && strings.Contains(lower, "dpop"):
		return dpopBoundRefresh, ""
	case resource && scheme == "bearer" && (bound || challenged) && last.Response.Status == http.StatusUnauthorized:
		return dpopBoundAsBearer, ""
	case resource && scheme == "dpop" && strings.Contains(lower, "another key"):
		return dpopOtherKey, ""
	case resource && scheme == "dpop" && code == "invalid_token" && !bound:
		return dpopUnboundAsDPoP, ""
	}
	return 0, ""
}

// schemeOf is the scheme of a recorded request's Authorization header,
// in lower case.
func schemeOf(m wire.Message) string {
	scheme, _, _ := strings.Cut(strings.Join(m.Header["Authorization"], ""), " ")
	return strings.ToLower(scheme)
}

// schemeSent says how the last exchange carried the token, for a step's
// telling: "Bearer", or "DPoP with a DPoP proof".
func schemeSent(exchanges []wire.Exchange) string {
	if len(exchanges) == 0 {
		return "Bearer"
	}
	last := exchanges[len(exchanges)-1].Request
	scheme := "Bearer"
	if schemeOf(last) == "dpop" {
		scheme = "DPoP"
	}
	if len(last.Header["Dpop"]) > 0 {
		scheme += " with a DPoP proof"
	}
	return scheme
}

// schemeRef is the section that defines how the token was sent.
func schemeRef(exchanges []wire.Exchange) string {
	if strings.HasPrefix(schemeSent(exchanges), "DPoP") {
		return "RFC 9449 §7.1"
	}
	return "RFC 6750 §2.1"
}

// broughtType is a brought token's type: DPoP when it names the key it is
// bound to, Bearer otherwise.
func broughtType(tok Secret) string {
	if boundToKey(tok) != "" {
		return "DPoP"
	}
	return "Bearer"
}

// clockLag compares a refused proof's iat with the server's Date header:
// a lag of more than a few seconds says this machine's clock is behind.
func clockLag(proof string, last wire.Exchange) string {
	date := strings.Join(last.Response.Header["Date"], "")
	at, err := http.ParseTime(date)
	if err != nil || proof == "" {
		return ""
	}
	age, ok := proofAge(proof, at)
	if !ok || age < 5*time.Second {
		return ""
	}
	return "By the server's clock (its Date header), the proof was " + Human(age) + " old when it arrived."
}
