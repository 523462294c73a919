package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/ui/internal/pairs"
)

// BenchmarkPairTokenVsCurl: `authplay token` for a client-credentials
// token, the whole process, against curl sending the same request to the
// same built-in server, in alternated pairs (.ci/bench runs it):
//
//	go test -run '^$' -bench PairTokenVsCurl -benchtime 1x ./ui/cli/
//
// authplay's run includes what curl's does not: the session committed to
// the store (synchronously: a token a script got is in the history when
// the command returns) and the token's checks.
func BenchmarkPairTokenVsCurl(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is not installed")
	}
	key, err := spacetest.SharedTestKey()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := spacetest.NewServer(spacetest.WithKey(key))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	state := b.TempDir()
	env := append(os.Environ(), "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state, "CLIENT_SECRET="+spacetest.DemoClientSecret)
	run := func(name string, argv ...string) pairs.Side {
		return pairs.Side{Name: name, Measure: func(ctx context.Context) (float64, error) {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			var out, errs bytes.Buffer
			cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &errs
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			if err != nil || out.Len() < 20 {
				return 0, fmt.Errorf("%v: %v; stdout %q, stderr:\n%s", argv, err, out.String(), errs.String())
			}
			return float64(took) / float64(time.Millisecond), nil
		}}
	}
	pairs.Bench(b, 3*time.Minute, "ms",
		run("authplay", binary, "token", "--flow", "client_credentials", "--space-url", srv.URL, "--client-id", spacetest.DemoClientID,
			"--client-secret-env", "CLIENT_SECRET", "--scope", "**", "--output", "access_token"),
		run("curl", curl, "-fsS", "-u", spacetest.DemoClientID+":"+spacetest.DemoClientSecret, "-d", "grant_type=client_credentials",
			"-d", "scope=**", srv.URL+"/oauth/token"))
}
