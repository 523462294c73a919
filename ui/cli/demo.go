package cli

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/ui"
)

const demoProfileName = "Demo Space (offline)"

// startDemo runs the built-in server in this process. Its state (key,
// grants, port) lives under the state dir so yesterday's tokens still work.
func startDemo(stateDir string) (*spacetest.Server, error) {
	opts := []spacetest.Option{spacetest.WithHeadlessApproval(true), spacetest.WithDeviceInterval(2 * time.Second)}
	if stateDir != "" {
		opts = append(opts, spacetest.WithDir(filepath.Join(stateDir, "demo-server")))
	}
	return spacetest.NewServer(opts...)
}

// demoProvider describes the built-in server, extensions included.
func demoProvider(srv *spacetest.Server) flows.Provider {
	p, _ := flows.Space(srv.URL) // srv.URL is always a valid loopback URL
	p.Name = demoProfileName
	p.Builtin = true
	p.DeviceURL = srv.URL + "/oauth/device"
	p.IntrospectURL = srv.URL + "/oauth/introspect"
	p.RevokeURL = srv.URL + "/oauth/revoke"
	p.PARURL = srv.URL + "/oauth/par"
	p.UserinfoURL = srv.URL + "/oauth/userinfo"
	return p
}

func demoProfile(srv *spacetest.Server) ui.Profile {
	return ui.Profile{
		Name: demoProfileName,
		Params: flows.Params{
			Provider: demoProvider(srv), ClientID: spacetest.DemoClientID, AuthStyle: flows.AuthBasic, Scope: "**",
			RedirectURI: "http://127.0.0.1:0/callback", PKCE: flows.PKCES256, AccessType: "offline", Username: spacetest.DemoUsername,
		},
		Creds:          flows.Credentials{ClientSecret: spacetest.DemoClientSecret, Password: spacetest.DemoPassword},
		PermanentToken: spacetest.DemoPersonalToken,
		SigningKey:     spacetest.DemoSigningKey,
	}
}

// demoApprover is the demo shortcut: approve as the demo user, then deliver
// the redirect to authplay's listener the way a browser would.
type demoApprover struct {
	srv    *spacetest.Server
	client *http.Client
}

func (d demoApprover) ApproveURL(ctx context.Context, authURL string) error {
	loc, err := d.srv.ApproveAuthorization(authURL, spacetest.DemoUsername, true)
	if err != nil {
		return err
	}
	return deliverRedirect(ctx, d.client, loc)
}

func (d demoApprover) SendSigned(ctx context.Context, endpointURL, tamper string) error {
	resp, err := d.srv.SendToEndpoint(ctx, endpointURL, spacetest.DemoClientID, spacetest.ChatMessagePayload(spacetest.DemoClientID), spacetest.Tamper(tamper))
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (d demoApprover) ApproveDevice(_ context.Context, userCode string) error {
	return d.srv.ApproveDevice(userCode, spacetest.DemoUsername, true)
}

// deliverRedirect plays the browser's part after consent. A fragment never
// reaches a server, so it is posted the way authplay's relay page posts it.
func deliverRedirect(ctx context.Context, c *http.Client, loc string) error {
	var req *http.Request
	var err error
	if base, frag, ok := strings.Cut(loc, "#"); ok {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base, strings.NewReader(frag))
		if err == nil {
			req.Header.Set("Content-Type", "text/plain")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	}
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("authplay's listener refused the redirect (HTTP %d)", resp.StatusCode)
	}
	return nil
}
