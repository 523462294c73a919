package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// TestHelperProcess is not a test: the tests below run the test binary
// again as a second authplay that writes to the same store.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("AP_STORE_CHILD")
	if dir == "" {
		t.Skip("helper for other tests")
	}
	st, err := store.Open(dir)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	n := 1 << 30
	fmt.Sscan(os.Getenv("AP_STORE_COUNT"), &n)
	for i := range n {
		sess, err := st.Create(fmt.Sprintf("child-%d", i), flows.Start(flows.ClientCredentials, flows.Params{ClientID: "c"}))
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Println("COMMITTED", sess.ID) // only after the transaction returned
	}
	os.Exit(0)
}

func child(dir string, count int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "AP_STORE_CHILD="+dir, fmt.Sprintf("AP_STORE_COUNT=%d", count))
	return cmd
}

func TestKilledMidCommitLosesNothingCommitted(t *testing.T) {
	dir := t.TempDir()
	if _, err := store.Open(dir); err != nil {
		t.Fatal(err)
	}
	cmd := child(dir, 1_000_000)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var committed []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "COMMITTED "); ok {
			committed = append(committed, id)
		}
		if len(committed) == 60 {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	cmd.Wait()
	if len(committed) < 60 {
		t.Fatalf("the child committed only %d sessions", len(committed))
	}
	st, err := store.Open(dir)
	if err != nil || st.Notice != "" {
		t.Fatalf("reopen after SIGKILL: %v %q", err, st.Notice)
	}
	for _, id := range committed {
		sess, err := st.Get(id)
		if err != nil || sess.Method != flows.ClientCredentials {
			t.Fatalf("session %s committed before the kill: %v", id, err)
		}
	}
}

func TestTwoProcessesShareTheStore(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := child(dir, 40)
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := st.Create(fmt.Sprintf("parent-%d", i), flows.Start(flows.Password, flows.Params{})); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	all, err := st.List("", "")
	if err != nil || len(all) != 80 {
		t.Fatalf("%d sessions, %v", len(all), err)
	}
}

// A session waiting for its redirect survives a restart: the listener comes
// back on the same address and the flow completes.
func TestResumeAWaitingSession(t *testing.T) {
	srv := spacetest.Start(t)
	dir := t.TempDir()
	st, _ := store.Open(dir)
	p := demoParams(srv.URL)
	sess, _ := st.Create("demo", flows.Start(flows.AuthorizationCode, p))
	lb1 := loopback.New()
	env := flows.Env{HTTP: wire.NewClient(10 * time.Second), Loopback: lb1}
	sess, _, err := st.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{})
	if err != nil || sess.State.Phase != flows.PhaseAwaitingRedirect {
		t.Fatal(err, sess.State.Phase)
	}
	redirect := sess.State.RedirectURI
	lb1.CloseAll() // the program quits while the browser is out
	time.Sleep(50 * time.Millisecond)

	again, _ := store.Open(dir)
	// The secret is asked again (or read from the profile's reference): each Advance takes it.
	env.Loopback = loopback.New()
	defer env.Loopback.CloseAll()
	var wg sync.WaitGroup
	wg.Add(1)
	var waitErr error
	go func() {
		defer wg.Done()
		_, _, waitErr = again.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{})
	}()
	for !env.Loopback.Listening(redirect) {
		time.Sleep(10 * time.Millisecond)
	}
	loc, err := srv.ApproveAuthorization(sess.State.AuthURL, "demo", true)
	if err != nil || !strings.HasPrefix(loc, redirect) {
		t.Fatalf("%v %s (listener %s)", err, loc, redirect)
	}
	resp, err := env.HTTP.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	wg.Wait()
	if waitErr != nil {
		t.Fatal(waitErr)
	}
	done, _, err := again.Advance(context.Background(), sess.ID, demoCreds(), env, flows.Input{})
	if err != nil || done.State.Phase != flows.PhaseAuthorized || len(done.Steps) != 3 {
		t.Fatalf("%v %s %d", err, done.State.Phase, len(done.Steps))
	}
	report := done.Report()
	for _, want := range []string{"# authplay session: Authorization Code", "## 3. ✓ Trade the code for tokens", "POST /oauth/token", "Refresh token: issued"} {
		if !strings.Contains(report, want) && !strings.Contains(report, strings.Replace(want, "POST /oauth/token", "POST "+srv.URL+"/oauth/token", 1)) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, secret := range []string{"demo-secret", done.State.Token.AccessToken.Reveal(), done.State.Token.RefreshToken.Reveal()} {
		if strings.Contains(report, secret) {
			t.Errorf("report shows a secret %.12s…", secret)
		}
	}
}
