package flows

import "strings"

// tellDPoP adds to a step what DPoP did in it: the proofs it carried,
// what the server's nonce was for, and what binding bought, in the words
// of RFC 9449's sections.
func (b *base) tellDPoP(step *Step) {
	run := b.run
	if run == nil || (run.proofs == 0 && !run.respected) {
		return
	}
	var say []string
	if run.respected {
		say = append(say, "The DPoP header was the one in your edit, signed by another key than this session's, so authplay sent it as it was instead of signing a new proof.")
	}
	if run.proofs > 0 {
		what := "the method and URL it is for, when it was made, and a random jti that makes it good once"
		if run.api {
			what += ", with the hash of the access token it goes with (ath)"
		}
		n := "A DPoP proof went with the request"
		if run.proofs > 1 {
			n = "A fresh DPoP proof went with each request"
		}
		say = append(say, n+", signed with this session's own key (it is decoded under the DPoP header above): it names "+what+", so it proves that the sender holds the key, for this one request. [RFC 9449 §4]")
	}
	if run.retried {
		section := "§8"
		server := "The token endpoint"
		if run.nonceRole == "resource" {
			section, server = "§9", "The API"
		}
		say = append(say, server+" first answered use_dpop_nonce with a DPoP-Nonce header: it wants each proof to carry a value it chose lately, so that proofs made in advance (by someone who had the key for a moment) are worthless, and it need not trust the client's clock. authplay signed a new proof with that nonce and sent the request again; both exchanges are shown, and the nonce is kept for the next request to this server. [RFC 9449 "+section+"]")
	}
	if step.OK && run.bound {
		say = append(say, "The server bound the tokens to the key: token_type is DPoP, and the access token names the key's thumbprint (cnf.jkt). A copy of the token is useless without the private key, which never leaves this machine. [RFC 9449 §6]")
	}
	if len(say) == 0 {
		return
	}
	if step.WhatHappened != "" {
		step.WhatHappened += " "
	}
	step.WhatHappened += strings.Join(say, " ")
}
