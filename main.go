// authplay is an OAuth 2.0 authorization playground for the terminal.
package main

import (
	"os"

	"github.com/authplay/authplay/ui/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
