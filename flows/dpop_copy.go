package flows

import (
	"strings"
	"time"
)

// DPoPBound says whether the session's access token must go with the
// DPoP scheme and a proof by the key it is bound to (RFC 9449 §7.1).
func (st State) DPoPBound() bool {
	return st.Token != nil && (strings.EqualFold(st.Token.TokenType, "DPoP") || boundToKey(st.Token.AccessToken) != "")
}

// FreshProof signs, now, a proof for a use of the access token outside the
// session's steps (a curl line to copy): the session's key, the token's
// hash, and the nonce the resource at target gave last. It says why when
// the key is not at hand, since a line without a proof cannot work.
func (st State) FreshProof(method, target string, now time.Time) (string, error) {
	d := st.DPoP
	if d == nil {
		return "", settingMissing("this session has DPoP off and holds no key, so no proof can be made for its DPoP-bound token")
	}
	if d.Key == nil {
		return "", keyNotAtHand(d)
	}
	req := Request{Purpose: PurposeAPI, Method: method, URL: target}
	return d.Key.Proof(method, target, st.Token.AccessToken.Reveal(), d.Nonces[nonceServer(req)], now)
}

// NeedsResourceNonce says whether a proof for a call to target would
// likely be refused for want of a nonce: the session's token endpoint gave
// nonces, so its server wants them, and the resource has given none yet
// (a resource gives its own, RFC 9449 §9). One call to it teaches one.
func (st State) NeedsResourceNonce(target string) bool {
	d := st.DPoP
	if d == nil {
		return false
	}
	asked := false
	for server := range d.Nonces {
		asked = asked || strings.HasSuffix(server, " token endpoint")
	}
	_, have := d.Nonces[nonceServer(Request{Purpose: PurposeAPI, URL: target})]
	return asked && !have
}

// ProofWindow says, in words, how long this provider's server takes a
// proof: the built-in server's own figure, or what servers commonly do.
func ProofWindow(p Provider) string { return proofWindow(p.FamilyOf()) }

// builtinDPoP is what the built-in server's registration guide says about
// DPoP for a method: which registration to play it with.
func builtinDPoP(m Method) string {
	switch m {
	case AuthorizationCode, DeviceCode:
		return "For DPoP (RFC 9449: tokens bound to a key of the session), turn DPoP on and use " + demoDPoP +
			", a public client (no secret, PKCE required) that must send proofs and gets server nonces; any registration gets bound tokens when it sends proofs."
	case ClientCredentials, Password, RefreshToken:
		return "With DPoP on, " + demoApp + "'s tokens are bound to the session's key (RFC 9449); started with --require-dpop, the server refuses token requests without a proof."
	}
	return ""
}
