package cli

import (
	"fmt"

	"github.com/authplay/authplay/flows/spacetest"
)

// tryCommands are the banner's first commands to try. With --require-dpop
// a token request without a proof is refused, so the plain curl line goes
// and authplay's line asks for DPoP.
func tryCommands(srv *spacetest.Server) []string {
	dpop := ""
	var cmds []string
	if srv.DPoPRequired() {
		dpop = " --dpop"
	} else {
		cmds = append(cmds, fmt.Sprintf("curl -u %s:%s -d grant_type=client_credentials -d 'scope=**' %s/oauth/token", spacetest.DemoClientID, spacetest.DemoClientSecret, srv.URL))
	}
	return append(cmds,
		fmt.Sprintf("CLIENT_SECRET=%s authplay token --flow client_credentials --space-url %s --client-id %s --client-secret-env CLIENT_SECRET%s", spacetest.DemoClientSecret, srv.URL, spacetest.DemoClientID, dpop),
		fmt.Sprintf("curl -H 'Authorization: Bearer %s' %s/api/http/team-directory/profiles/me", spacetest.DemoPersonalToken, srv.URL))
}

// dpopTry is the banner's DPoP line: demo-dpop-app's code flow with
// DPoP, nonces and all, ending with a curl line that carries a fresh proof.
func dpopTry(srv *spacetest.Server) string {
	line := fmt.Sprintf("authplay token --flow authorization_code --space-url %s --client-id %s --auth-style none --dpop --output curl   # DPoP (RFC 9449)", srv.URL, spacetest.DemoDPoPClientID)
	if srv.DPoPRequired() {
		line += "\n  (--require-dpop is on: every token request must carry a DPoP proof; authplay sends one with --dpop)"
	}
	return line
}
