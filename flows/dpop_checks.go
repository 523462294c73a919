package flows

import (
	"strings"

	"github.com/authplay/authplay/flows/jwtcheck"
)

// dpopVerdict judges how the access token is bound (RFC 9449 §6): to this
// session's key (cnf.jkt is the key's RFC 7638 thumbprint), to another,
// or to nothing, with what sender-constraining buys.
func dpopVerdict(st State) Verdict {
	v := Verdict{Check: "cnf.jkt"}
	tok := st.Token
	jkt := boundToKey(tok.AccessToken)
	dpopType := strings.EqualFold(tok.TokenType, "DPoP")
	ours := ""
	if st.DPoP != nil {
		ours = st.DPoP.JKT
	}
	switch {
	case jkt != "" && ours == "":
		v.Outcome, v.Detail = Fail, "bound to a DPoP key (thumbprint "+short(jkt)+") that this session does not hold: sent as Bearer it is refused, and no proof can be made for it. That is what binding buys: a copied token is useless without its key. [RFC 9449 §6 · §7.1]"
	case jkt != "" && jkt != ours:
		v.Outcome, v.Detail = Fail, "bound to another key (thumbprint "+short(jkt)+") than this session's ("+short(ours)+"): a server takes it only with proofs signed by that key. [RFC 9449 §6]"
	case jkt != "":
		v.Outcome, v.Detail = Pass, "bound to this session's DPoP key (RFC 7638 thumbprint "+short(jkt)+"): a copy of the token is useless without the private key, which never leaves this machine, since each use needs a fresh proof signed by it. [RFC 9449 §6]"
	case dpopType && !jwtcheck.LooksLikeJWT(tok.AccessToken.Reveal()):
		v.Outcome, v.Detail = Unverified, "token_type is DPoP, but the token is opaque: only the server can tell which key it is bound to (introspection shows cnf.jkt). [RFC 9449 §6.2]"
	case dpopType:
		v.Outcome, v.Detail = Warn, "token_type is DPoP, but the token names no cnf.jkt: a resource server cannot tell which key it is bound to. [RFC 9449 §6.1]"
	case ours != "":
		v.Outcome, v.Detail = Warn, "a Bearer token although this session sent DPoP proofs: the server did not bind it, so whoever holds a copy can use it. [RFC 9449 §5]"
	case boundToCertificate(tok.AccessToken) != "":
		v.Outcome, v.Detail = NotApplicable, "not bound to a DPoP key: the token is bound to a TLS client certificate instead (cnf.x5t#S256). [RFC 9449 · RFC 8705 §3]"
	default:
		v.Outcome, v.Detail = NotApplicable, "a bearer token: whoever holds a copy can use it. DPoP would bind it to a key of this session. [RFC 9449]"
	}
	return v
}

// short is the head of a thumbprint, enough to tell two apart.
func short(jkt string) string {
	if len(jkt) <= 12 {
		return jkt
	}
	return jkt[:12] + "…"
}
