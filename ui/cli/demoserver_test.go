package cli_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// The demo-server banner lists every registration, the extensions'
// included, each with what it is there to show.
func TestDemoServerBannerListsEveryRegistration(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "demo-server", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "DISPLAY=", "BROWSER=")
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var banner strings.Builder
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "Press ctrl+c to stop") {
			cmd.Process.Kill() // the banner is all this test reads
		}
	}
	cmd.Wait() //nolint:errcheck // killed on purpose
	if !strings.Contains(banner.String(), "Press ctrl+c to stop") {
		t.Fatalf("no whole banner:\n%s", banner.String())
	}
	for _, a := range spacetest.DemoApps() {
		if !strings.Contains(banner.String(), "  "+a.ClientID+" ") || !strings.Contains(banner.String(), a.About) {
			t.Errorf("the banner does not list %s with %q", a.ClientID, a.About)
		}
	}
	for _, want := range []string{"/oauth/par (PAR)", "signed assertion", "TLS certificate", spacetest.DemoJWTClientSecret} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner.String())
		}
	}
}
