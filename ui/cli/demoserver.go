package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/authplay/authplay/flows/spacetest"
)

func newDemoServer(addr, dir string, weak []string, notices io.Writer, extra ...spacetest.Option) (*spacetest.Server, error) {
	opts := []spacetest.Option{spacetest.WithAddr(addr), spacetest.WithHeadlessApproval(true), spacetest.WithWeak(weak...),
		spacetest.WithNotices(func(n string) { fmt.Fprintln(notices, "authplay demo-server:", n) })}
	opts = append(opts, extra...)
	if dir != "" {
		opts = append(opts, spacetest.WithDir(dir))
	}
	srv, err := spacetest.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	if err := srv.WaitKey(); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}

func printDemoBanner(w io.Writer, srv *spacetest.Server) {
	fmt.Fprintf(w, "authplay's built-in Space-compatible server is listening at %s\n\n", srv.URL)
	printWeakWarning(w, srv)
	fmt.Fprintf(w, "Endpoints: %[1]s/oauth/auth  %[1]s/oauth/token  %[1]s/oauth/jwks.json  API %[1]s/api/http\n", srv.URL)
	fmt.Fprintf(w, "Extensions Space lacks (for learning): %[1]s/oauth/device, /oauth/introspect, /oauth/revoke, /.well-known/openid-configuration,\n", srv.URL)
	fmt.Fprintf(w, "  %s/oauth/par (PAR), request objects (JAR), DPoP, private_key_jwt and client_secret_jwt, token exchange, JWT bearer\n", srv.URL)
	var mtlsLine string
	if srv.MTLSURL() != "" {
		fmt.Fprintf(w, "  mTLS port %s (token, PAR, device, introspection, revocation, API); trust its CA: %s\n", srv.MTLSURL(), srv.CACertFile())
		certFile, keyFile, err := writeDemoClientCert(srv)
		if err != nil {
			fmt.Fprintf(w, "  (%s's certificate could not be written: %v)\n", spacetest.DemoMTLSClientID, err)
		} else {
			fmt.Fprintf(w, "  %s's certificate and key (published demo material): %s %s\n", spacetest.DemoMTLSClientID, certFile, keyFile)
			mtlsLine = mtlsTry(srv, certFile, keyFile)
		}
	}
	fmt.Fprintln(w, "\nRegistered applications:")
	for _, a := range srv.Apps() {
		fmt.Fprintf(w, "  %-22s %-22s %s\n", a.ClientID, credentialsOf(a), a.About)
	}
	fmt.Fprintf(w, "\n%s signs its client assertions with the key `authplay demo-server --print-client-key` prints (private_key_jwt)\n", spacetest.DemoJWTClientID)
	fmt.Fprintf(w, "or with the secret %s (client_secret_jwt); %s's JWT-bearer grant trusts that key for issuer %s.\n", spacetest.DemoJWTClientSecret, spacetest.DemoClientID, spacetest.DemoJWTBearerIssuer)
	fmt.Fprintf(w, "\nUsers: demo / demo, alice / alice\nPermanent tokens: %s (personal, demo), %s (application)\n\n", spacetest.DemoPersonalToken, spacetest.DemoApplicationToken)
	fmt.Fprintln(w, "Try:")
	cmds := append(tryCommands(srv), dpopTry(srv))
	if mtlsLine != "" {
		cmds = append(cmds, mtlsLine)
	}
	fmt.Fprintln(w, "  "+strings.Join(cmds, "\n  "))
	fmt.Fprintln(w, "\nHeadless approval is on (POST /demo/approve), for scripts and tests. Press ctrl+c to stop.")
}

// weakDefences says, for the banner, what each weak switch lets through.
var weakDefences = map[string]string{
	spacetest.WeakReplay:   "an authorization code can be redeemed again, and a replay revokes nothing",
	spacetest.WeakPKCE:     "the PKCE code_verifier is not checked (missing, wrong, or sent without a challenge)",
	spacetest.WeakRedirect: "any redirect URI on a registered host is taken, and the token endpoint ignores redirect_uri",
}

// printWeakWarning makes a weakened server impossible to mistake for a
// normal one: it is a teaching aid, unsafe on purpose.
func printWeakWarning(w io.Writer, srv *spacetest.Server) {
	weak := srv.Weak()
	if len(weak) == 0 {
		return
	}
	bar := strings.Repeat("!", 78)
	fmt.Fprintln(w, bar)
	fmt.Fprintf(w, "!! WARNING: WEAKENED ON PURPOSE (--weak %s): this server is UNSAFE.\n", strings.Join(weak, ","))
	for _, n := range weak {
		fmt.Fprintf(w, "!!   %s: %s\n", n, weakDefences[n])
	}
	fmt.Fprintln(w, "!! It exists so you can watch attacks work. Sign in as demo / demo when asked:")
	fmt.Fprintf(w, "!!   CLIENT_SECRET=%s authplay probe --issuer %s --client-id %s --client-secret-env CLIENT_SECRET\n", spacetest.DemoClientSecret, srv.URL, spacetest.DemoClientID)
	fmt.Fprintln(w, bar)
	fmt.Fprintln(w)
}

// credentialsOf says how a registration proves who it is.
func credentialsOf(a spacetest.App) string {
	switch {
	case slices.Contains(a.AuthMethods, spacetest.AuthPrivateKeyJWT):
		return "signed assertion"
	case slices.Contains(a.AuthMethods, spacetest.AuthTLSClient):
		return "TLS certificate"
	case a.ClientSecret != "":
		return "secret " + a.ClientSecret
	}
	return "(public: no secret)"
}

// printDemoClientKey prints the demo key alone on stdout, so it can be
// saved straight to a file, and on stderr what it is.
func printDemoClientKey(stdio IO) int {
	if err := spacetest.WriteDemoClientKey(stdio.Out); err != nil {
		fmt.Fprintln(stdio.Err, "authplay demo-server:", err)
		return ExitFailed
	}
	fmt.Fprintf(stdio.Err, "authplay: this key is published demo material, trusted by the built-in server alone (for %s's private_key_jwt and %s's JWT-bearer grant); never register it anywhere else.\n", spacetest.DemoJWTClientID, spacetest.DemoClientID)
	fmt.Fprintf(stdio.Err, "Save it (umask 077; authplay demo-server --print-client-key > demo-key.pem) and use it: authplay token --flow client_credentials --issuer URL --client-id %s --auth-style private_key_jwt --private-key-file demo-key.pem\n", spacetest.DemoJWTClientID)
	return ExitOK
}
