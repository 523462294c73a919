package spacetest

import (
	"net/http"
)

// Sender-constrained tokens: an access token bound to a DPoP key (RFC 9449,
// cnf.jkt) or to a TLS client certificate (RFC 8705, cnf.x5t#S256) is of
// no use to a thief who lacks the key.

// binding is what the tokens of one token request are bound to.
type binding struct {
	jkt    string // RFC 7638 thumbprint of the DPoP proof's key
	x5t    string // SHA-256 thumbprint of the TLS client certificate
	public bool   // a public client: its refresh token is bound too
}

// addTo puts the confirmation claim (RFC 7800) into access token claims.
func (b binding) addTo(claims map[string]any) {
	cnf := map[string]any{}
	if b.jkt != "" {
		cnf["jkt"] = b.jkt
	}
	if b.x5t != "" {
		cnf["x5t#S256"] = b.x5t
	}
	if len(cnf) > 0 {
		claims["cnf"] = cnf
	}
}

// tokenType is DPoP for DPoP-bound tokens (RFC 9449 §5); a
// certificate-bound token stays Bearer (RFC 8705 §3).
func (b binding) tokenType() string {
	if b.jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

// refreshJKT is the key a new refresh token is bound to: a public client's
// refresh token is bound to its DPoP key, a confidential client's is
// protected by the client's authentication instead (RFC 9449 §5).
func (b binding) refreshJKT() string {
	if b.public {
		return b.jkt
	}
	return ""
}

// tokenBinding checks the DPoP proof and the client certificate of a token
// request. A registration or the server may demand DPoP; a request with no
// proof otherwise gets ordinary Bearer tokens.
func (s *Server) tokenBinding(r *http.Request, c clientAuth) (binding, *oauthError) {
	b := binding{public: c.public(), x5t: clientCertThumbprint(r)}
	proof, perr := s.verifyProof(r, proofRequest{nonceRequired: s.nonceRequired(c.app), nonceScope: nonceAtServer})
	if perr != nil {
		return b, perr.oauth()
	}
	if proof == nil && (s.ext.cfg.dpopRequired || c.app.RequireDPoP) {
		return b, &oauthError{status: http.StatusBadRequest, Code: "invalid_dpop_proof",
			Description: c.app.ClientID + " must send a DPoP proof (a DPoP header) with every token request, so that its tokens are bound to its key (RFC 9449 §5.2)"}
	}
	if proof != nil {
		b.jkt = proof.jkt
	}
	return b, nil
}

// checkCodeBinding enforces dpop_jkt: a code whose authorization request
// named a DPoP key can only be redeemed with a proof by that key (RFC 9449 §10).
func checkCodeBinding(g *codeGrant, b binding) *oauthError {
	switch {
	case g.DPoPJKT == "":
		return nil
	case b.jkt == "":
		return badRequest("invalid_grant", "the authorization request bound this code to a DPoP key (dpop_jkt); redeem it with a DPoP proof signed by that key")
	case b.jkt != g.DPoPJKT:
		return badRequest("invalid_grant", "the DPoP proof is signed by another key than the one the authorization request named in dpop_jkt")
	}
	return nil
}

// checkRefreshBinding enforces a public client's DPoP-bound refresh token.
func checkRefreshBinding(g *refreshGrant, b binding) *oauthError {
	switch {
	case g.JKT == "":
		return nil
	case b.jkt == "":
		return badRequest("invalid_grant", "this refresh token is bound to a DPoP key (it was issued to a public client with a DPoP proof); send a DPoP proof signed by the same key")
	case b.jkt != g.JKT:
		return badRequest("invalid_grant", "the DPoP proof is signed by another key than the one this refresh token is bound to")
	}
	return nil
}

// clientCertThumbprint is the x5t#S256 of the TLS client certificate, or ""
// when the request came without one (or over plain HTTP). The TLS handshake
// has already proved that the client holds the certificate's key.
func clientCertThumbprint(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return certThumbprint(r.TLS.PeerCertificates[0])
}

// apiBindingProblem checks an access token against how it was presented:
// a DPoP-bound token needs the DPoP scheme (dpop.go checks the proof), a
// certificate-bound one the same certificate over the mTLS port.
func (s *Server) apiBindingProblem(r *http.Request, info *tokenInfo, viaDPoP bool) *apiError {
	switch {
	case info.JKT != "" && !viaDPoP:
		return dpopChallenge(invalidToken("this access token is bound to a DPoP key (cnf.jkt); send it as Authorization: DPoP <token> with a DPoP proof signed by that key (RFC 9449 §7.1)"), "invalid_token")
	case info.JKT == "" && viaDPoP:
		return dpopChallenge(invalidToken("this access token is not bound to a DPoP key; send it as Authorization: Bearer <token>"), "invalid_token")
	case info.X5T != "" && r.TLS == nil:
		return invalidToken("this access token is bound to a TLS client certificate (cnf.x5t#S256); send it to the mTLS port " + s.MTLSURL() + " with that certificate (RFC 8705 §3)")
	case info.X5T != "" && clientCertThumbprint(r) == "":
		return invalidToken("this access token is bound to a TLS client certificate (cnf.x5t#S256), and none was presented; present the certificate the token was issued for (RFC 8705 §3)")
	case info.X5T != "" && clientCertThumbprint(r) != info.X5T:
		return invalidToken("this access token is bound to another TLS client certificate than the one presented (cnf.x5t#S256 does not match; RFC 8705 §3)")
	}
	return nil
}

// addBindingToIntrospection tells a resource server what an active token
// is bound to (RFC 9449 §6.2, RFC 8705 §3.2) and who acts for its subject.
func addBindingToIntrospection(out map[string]any, info *tokenInfo) {
	binding{jkt: info.JKT, x5t: info.X5T}.addTo(out)
	if info.JKT != "" {
		out["token_type"] = "DPoP"
	}
	if info.Act != nil {
		out["act"] = info.Act
	}
}
