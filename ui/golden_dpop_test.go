package ui

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// A fixed DPoP key's public half and thumbprint, so the golden files of a
// DPoP session render the same on every machine (the proof's signature is
// never shown decoded, so a fixed placeholder stands for it).
const (
	goldenDPoPJWK = `{"crv":"P-256","kty":"EC","x":"plj9SVg0J6yTm0RqCVjhNjFTDLb1Uqh2PYfvvHmE-DQ","y":"Uj3eRtlNFqGla_qt4iXbuVm3vjtlcniy8dcYHF5WG0Y"}`
	goldenDPoPJKT = "oiWtXLVSSW25n-VJGBV-rZ1th8tPkvH41pC7ZF1AIuI"
)

// goldenProof is a DPoP proof as the golden session sent it.
func goldenProof(method, htu string, iat time.Time, extra string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims := `{"jti":"Qm9vdHN0cmFwLWp0aS0wMDAx","htm":"` + method + `","htu":"` + htu + `","iat":` + strconv.FormatInt(iat.Unix(), 10) + extra + `}`
	return enc([]byte(`{"alg":"ES256","jwk":`+goldenDPoPJWK+`,"typ":"dpop+jwt"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature"))
}

// dpopSession is demo-dpop-app's code flow, authorized with a DPoP-bound
// token: its token step met the server's nonce and sent the request again.
func dpopSession() store.Session {
	sess := authorizedSession()
	st := &sess.State
	st.Params.ClientID, st.Params.AuthStyle, st.Params.DPoP = "demo-dpop-app", flows.AuthNone, true
	st.DPoP = &flows.DPoPState{JKT: goldenDPoPJKT, Nonces: map[string]string{"http://127.0.0.1:9090 token endpoint": "n-4Xf2Qk9sTzA1"}}
	exp, iat := goldenNow.Add(9*time.Minute+42*time.Second), goldenNow.Add(-18*time.Second)
	at := fixedJWT(`{"sub":"2kLmX9demo","aud":"demo-dpop-app","scope":"**","name":"demo","iss":"http://127.0.0.1:9090","principal_type":"USER","iat":` +
		strconv.FormatInt(iat.Unix(), 10) + `,"exp":` + strconv.FormatInt(exp.Unix(), 10) + `,"cnf":{"jkt":"` + goldenDPoPJKT + `"}}`)
	st.Token = &flows.Token{AccessToken: flows.Secret(at), TokenType: "DPoP", RefreshToken: "sprt-0123456789abcdef", Expiry: exp, ExpiresIn: 600,
		Raw: []byte(`{"access_token":"` + at + `","token_type":"DPoP","expires_in":600,"refresh_token":"sprt-0123456789abcdef"}`)}
	tokenURL := "http://127.0.0.1:9090/oauth/token"
	form := map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}
	withProof := func(extra string) map[string][]string {
		h := map[string][]string{"Dpop": {goldenProof("POST", tokenURL, iat, extra)}}
		for k, v := range form {
			h[k] = v
		}
		return h
	}
	sess.Steps = []flows.Step{{Name: "token_request", Caption: "Trade the code for tokens", At: iat, OK: true,
		WhatHappened: "authplay sent the code, the same redirect URI and the PKCE code_verifier. The token endpoint first answered use_dpop_nonce with a DPoP-Nonce header: it wants each proof to carry a value it chose lately. authplay signed a new proof with that nonce and sent the request again. [RFC 9449 §8] The server bound the tokens to the key: token_type is DPoP, and the access token names the key's thumbprint (cnf.jkt). [RFC 9449 §6]",
		Exchanges: []wire.Exchange{
			{Request: wire.Message{Method: "POST", URL: tokenURL, Header: withProof(""), Body: "client_id=demo-dpop-app&code=spc-ab…cdef&grant_type=authorization_code"},
				Response: &wire.Message{Status: 400, Header: map[string][]string{"Dpop-Nonce": {"n-4Xf2Qk9sTzA1"}}, Body: `{"error":"use_dpop_nonce"}`}, Duration: wire.Duration(3 * time.Millisecond)},
			{Request: wire.Message{Method: "POST", URL: tokenURL, Header: withProof(`,"nonce":"n-4Xf2Qk9sTzA1"`), Body: "client_id=demo-dpop-app&code=spc-ab…cdef&grant_type=authorization_code"},
				Response: &wire.Message{Status: 200}, Duration: wire.Duration(4 * time.Millisecond)},
		}}}
	return sess
}

// dpopGoldenScreens are the DPoP states of TestGoldenEveryScreen: the
// inspector of a DPoP-bound token (token_type DPoP, the cnf.jkt verdict)
// and its DPoP step in the Steps panel, the proof decoded.
func dpopGoldenScreens() map[string]func(a *App) Screen {
	inspector := func(a *App, p panel) *inspect {
		in := newInspect(a.k, a.nextID(), dpopSession(), flows.Credentials{})
		in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: "demo-dpop-app", StateChecked: true, UsedState: true, JWKSError: "the test has no key set"}
		in.panel = p
		return in
	}
	return map[string]func(a *App) Screen{
		"inspector/dpop":       func(a *App) Screen { return inspector(a, panelToken) },
		"inspector/dpop-steps": func(a *App) Screen { return inspector(a, panelSteps) },
		// The same step scrolled to its proof, decoded claim by claim.
		"inspector/dpop-proof": func(a *App) Screen { in := inspector(a, panelSteps); in.scroll = 15; return in },
	}
}
