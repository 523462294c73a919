package ui_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/wire"
)

var xvfb struct {
	once    sync.Once
	display string
	cmd     *exec.Cmd
	err     error
}

// xDisplay starts one private Xvfb for the package; it picks a free display
// itself (-displayfd), so it never touches a developer's real clipboard.
func xDisplay(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("AUTHPLAY_E2E") == "1" {
				t.Fatalf("%s is not installed, and AUTHPLAY_E2E=1 requires it (apt-get install xvfb xclip)", tool)
			}
			t.Skipf("%s is not installed; skipping the X clipboard test (set AUTHPLAY_E2E=1 to make this a failure)", tool)
		}
	}
	xvfb.once.Do(func() {
		r, w, err := os.Pipe()
		if err != nil {
			xvfb.err = err
			return
		}
		cmd := exec.Command("Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1024x768x24")
		cmd.ExtraFiles = []*os.File{w}
		if xvfb.err = cmd.Start(); xvfb.err != nil {
			return
		}
		w.Close()
		line := make(chan string, 1)
		go func() { n, _ := bufio.NewReader(r).ReadString('\n'); line <- n }()
		select {
		case n := <-line:
			xvfb.display, xvfb.cmd = ":"+strings.TrimSpace(n), cmd
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			xvfb.err = fmt.Errorf("Xvfb did not report a display within 10 s")
		}
	})
	if xvfb.err != nil {
		t.Fatal(xvfb.err)
	}
	return xvfb.display
}

func stopXvfb() {
	if xvfb.cmd != nil {
		xvfb.cmd.Process.Kill() // xclip's selection owners die with the X server
		xvfb.cmd.Wait()
	}
}

func TestCopyPutsTheTokenOnTheXClipboard(t *testing.T) {
	display := xDisplay(t)
	s := startTmuxEnv(t, 80, 24, []string{"DISPLAY=" + display}, "--demo", "--flow", "client_credentials")
	s.waitFor(10*time.Second, "will send")
	s.keys("Enter")
	s.waitFor(20*time.Second, "Access token", "aud", "demo-app")
	s.keys("c")
	s.waitFor(5*time.Second, "copied the access token")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "env", "DISPLAY="+display, "xclip", "-o", "-selection", "clipboard").Output()
	if err != nil {
		t.Fatal(err)
	}
	token := string(out)
	j, err := jwtcheck.Decode(token)
	if err != nil || j.Str("aud") != "demo-app" {
		t.Fatalf("the X clipboard holds %q (%v)", token, err)
	}
	// OSC 52 carries the same text, for terminals over SSH (tmux turns it into a buffer).
	s.waitForBuffer(5*time.Second, token)
	if !strings.Contains(s.screen(), wire.Peek(token)) {
		t.Error("the copied token is not the one on screen")
	}
	s.keys("q")
	s.waitFor(10*time.Second, "[exit 0]")
}
