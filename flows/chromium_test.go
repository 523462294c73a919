package flows_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/oidctest"
)

// chromium starts a real headless Chromium (Debian's /usr/bin/chromium) for
// one test. Without it the test skips, unless AUTHPLAY_E2E=1 demands it.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("AUTHPLAY_E2E") == "1" {
			t.Fatal("chromium is not installed, and AUTHPLAY_E2E=1 requires it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed; skipping the real-browser test (set AUTHPLAY_E2E=1 to make this a failure)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { chromedp.Cancel(bctx); cancel(); acancel() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser; its context must carry no deadline
		t.Fatal(err)
	}
	ctx, tcancel := context.WithTimeout(bctx, 30*time.Second)
	t.Cleanup(tcancel)
	return ctx
}

// signInAndAccept plays the person at the built-in server's pages, then
// waits for the page authplay's listener shows at the end.
func signInAndAccept(ctx context.Context, authURL string) (string, error) {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "demo"),
		chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("accept")),
		chromedp.Click(chromedp.ID("accept")),
	}
	for i, st := range steps {
		if err := chromedp.Do(ctx, st); err != nil {
			return "", fmt.Errorf("browser step %d: %w", i+1, err)
		}
	}
	// The accept click navigates twice (server, then listener); reading the
	// page while it navigates fails, so read until it settles.
	for ctx.Err() == nil {
		status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
		if err == nil && status != "waiting" {
			return status, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", ctx.Err()
}

func browserJourney(t *testing.T, method flows.Method, want string) {
	ctx := chromium(t)
	s := newSpace(t)
	m, _ := flows.New(flows.Start(method, spaceParams(t, s)), demoCreds())
	env := newEnv(t)
	run(t, m, env, flows.Input{})
	done := make(chan error, 1)
	go func() {
		_, err := m.Next(context.Background(), env, flows.Input{})
		done <- err
	}()
	status, err := signInAndAccept(ctx, m.State().AuthURL)
	if err != nil || !strings.Contains(status, want) {
		t.Fatalf("the browser ended on %q (%v)", status, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if method == flows.AuthorizationCode {
		run(t, m, env, flows.Input{})
	}
	if m.State().Phase != flows.PhaseAuthorized {
		t.Fatal(m.State().Phase)
	}
}

// The implicit flow's token is in the URL fragment, which browsers never
// send to a server: the relay page must carry it back to the listener.
func TestImplicitRelayInRealChromium(t *testing.T) {
	browserJourney(t, flows.Implicit, "received the token")
}

func TestAuthorizationCodeInRealChromium(t *testing.T) {
	browserJourney(t, flows.AuthorizationCode, "received the authorization response")
}

// form_post in a real browser: the server's page submits a form to the
// listener on load, a cross-origin POST the listener must take (the state
// checked), and a hybrid ID token comes with the code.
func TestFormPostInRealChromium(t *testing.T) {
	ctx := chromium(t)
	s := oidctest.Start(t, oidctest.Config{ResponseTypes: []string{"code id_token"}, ResponseModes: []string{"form_post"}})
	env := newEnv(t)
	p := oidcParams(t, s, env)
	p.ResponseType, p.ResponseMode = "code id_token", flows.ModeFormPost
	m, _ := flows.New(flows.Start(flows.AuthorizationCode, p), oidcCreds())
	run(t, m, env, flows.Input{})
	done := make(chan error, 1)
	go func() {
		_, err := m.Next(context.Background(), env, flows.Input{})
		done <- err
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate(m.State().AuthURL)); err != nil {
		t.Fatal(err)
	}
	var status string
	for ctx.Err() == nil {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
		if err == nil && s != "" {
			status = s
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(status, "received the authorization response") {
		t.Fatalf("the browser ended on %q (%v)", status, ctx.Err())
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	run(t, m, env, flows.Input{})
	if m.State().Phase != flows.PhaseAuthorized || m.State().Front == nil {
		t.Fatalf("phase %s front %+v", m.State().Phase, m.State().Front)
	}
}
