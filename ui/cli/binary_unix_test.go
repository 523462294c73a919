//go:build unix

package cli_test

// Signals as a terminal sends them exist only on Unix; on Windows ctrl+c
// reaches a console program another way, which no test here drives.

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/authplay/authplay/flows/spacetest"
)

func TestInterruptExits130(t *testing.T) {
	s := spacetest.Start(t)
	var pid int
	cmd := exec.Command(binary, "token", "--flow", "authorization_code", "--no-browser", "--space-url", s.URL, "--client-id", "demo-app", "--client-secret-env", "CS")
	cmd.Env = append(os.Environ(), "CS=x", "XDG_STATE_HOME="+t.TempDir(), "DISPLAY=", "BROWSER=")
	errPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid = cmd.Process.Pid
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), s.URL+"/oauth/auth?") {
			syscall.Kill(pid, syscall.SIGINT)
		}
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v", err)
	}
}
