package ui

import (
	"strconv"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/store"
)

// Fixed paths and a fixed thumbprint, so the mutual-TLS golden files
// render the same on every machine.
const (
	goldenCertFile   = "/home/me/.config/authplay/tls/demo-mtls-app-cert.pem"
	goldenCertKey    = "/home/me/.config/authplay/tls/demo-mtls-app-key.pem"
	goldenCAFile     = "/home/me/.local/state/authplay/demo-server/tls/tls-ca.pem"
	goldenThumbprint = "x_3X_8u17P2WCDxYusLxYeEfp8wch5Fw_qiltbAd5w4"
)

// mtlsForm is demo-mtls-app's client credentials with tls_client_auth,
// the certificate row focused: the certificate fields and the CA file
// are shown because the style asks for them.
func mtlsForm(a *App) *form {
	d := a.draftFor(flows.ClientCredentials)
	d.Params.ClientID, d.Params.AuthStyle = spacetest.DemoMTLSClientID, flows.AuthTLSClient
	d.Params.TLSCertFile, d.Params.TLSKeyFile, d.Params.Provider.CAFile = goldenCertFile, goldenCertKey, goldenCAFile
	d.Creds = flows.Credentials{}
	f := newForm(a.k, a.nextID(), d)
	f.prev.StateValue, f.prev.Verifier, f.prev.Nonce = "Xk2Lr-state", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "n-0S6_WzA2Mj"
	for i, r := range f.rows.rows {
		if r.id == string(flows.FieldTLSCertFile) {
			f.rows.setFocus(i)
		}
	}
	return f
}

// mtlsSession is demo-mtls-app's client credentials, authorized with a
// token bound to the certificate the session presented.
func mtlsSession() store.Session {
	sess := authorizedSession()
	st := flows.Start(flows.ClientCredentials, sess.State.Params)
	st.Params.ClientID, st.Params.AuthStyle = spacetest.DemoMTLSClientID, flows.AuthTLSClient
	st.Params.TLSCertFile, st.Params.TLSKeyFile = goldenCertFile, goldenCertKey
	st.Phase, st.TLSThumbprint = flows.PhaseAuthorized, goldenThumbprint
	exp, iat := goldenNow.Add(9*time.Minute+42*time.Second), goldenNow.Add(-18*time.Second)
	at := fixedJWT(`{"sub":"demo-mtls-app","aud":"demo-mtls-app","scope":"**","name":"Demo: mutual-TLS app","iss":"http://127.0.0.1:9090","principal_type":"SERVICE","iat":` +
		strconv.FormatInt(iat.Unix(), 10) + `,"exp":` + strconv.FormatInt(exp.Unix(), 10) + `,"cnf":{"x5t#S256":"` + goldenThumbprint + `"}}`)
	st.Token = &flows.Token{AccessToken: flows.Secret(at), TokenType: "Bearer", Expiry: exp, ExpiresIn: 600,
		Raw: []byte(`{"access_token":"` + at + `","token_type":"Bearer","expires_in":600}`)}
	sess.Method, sess.State = flows.ClientCredentials, st
	sess.Steps = []flows.Step{{Name: "token_request", Caption: "Request a token as the application", At: iat, OK: true}}
	return sess
}

// mtlsGoldenScreens are the mutual-TLS states of TestGoldenEveryScreen.
func mtlsGoldenScreens() map[string]func(a *App) Screen {
	return map[string]func(a *App) Screen{
		"form/tls_client_auth": func(a *App) Screen { return mtlsForm(a) },
		"inspector/mtls": func(a *App) Screen {
			in := newInspect(a.k, a.nextID(), mtlsSession(), flows.Credentials{})
			in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: spacetest.DemoMTLSClientID, JWKSError: "the test has no key set"}
			return in
		},
	}
}
