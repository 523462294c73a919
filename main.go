// authplay is an OAuth 2.0 authorization playground for the terminal.
package main

import (
	"os"

	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/ui/cli"
)

func main() {
	// The User-Agent names this build: the release version the linker set,
	// else the module version from the build info. Set here, before any
	// request, rather than in cli.Main, which tests run concurrently.
	wire.Version = cli.ReadBuild().UserAgentVersion()
	os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
