package cli

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/authplay/authplay/flows/wire"
)

// Build says which authplay this is. A release build names its version
// through the linker (goreleaser sets wire.Version with -X); any other
// build takes it from the Go build info: the module version for
// `go install …@v1.2.3`, a pseudo-version from the commit for a build in
// a clone, "(devel)" when the build recorded no version control.
type Build struct {
	Version  string
	Revision string // vcs.revision: the commit built, when recorded
	Time     string // vcs.time: that commit's time (RFC 3339)
	Modified bool   // vcs.modified: the work tree had changes
	Go       string // the Go toolchain that built it
	Platform string // GOOS/GOARCH
}

// ReadBuild reads the build description of the running binary.
func ReadBuild() Build {
	b := Build{Version: wire.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "dev" && info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// UserAgentVersion is the version as the User-Agent carries it: a product
// version is one token, and "(devel)" in parentheses would read as a
// comment there.
func (b Build) UserAgentVersion() string {
	return strings.Trim(b.Version, "()")
}

func newVersionFlagSet(stdio IO) *flag.FlagSet {
	fs := flag.NewFlagSet("authplay version", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	return fs
}

func runVersion(args []string, stdio IO) int {
	fs := newVersionFlagSet(stdio)
	if code := parseNoOperands(fs, args, stdio); code >= 0 {
		return code
	}
	b := ReadBuild()
	fmt.Fprintln(stdio.Out, "authplay", b.Version)
	if b.Revision != "" {
		fmt.Fprintln(stdio.Out, "revision:", b.Revision)
		if b.Time != "" {
			fmt.Fprintln(stdio.Out, "committed:", b.Time)
		}
		fmt.Fprintln(stdio.Out, "modified:", b.Modified)
	} else {
		fmt.Fprintln(stdio.Out, "revision: not recorded (built without version control information)")
	}
	fmt.Fprintln(stdio.Out, "go:", b.Go, b.Platform)
	return ExitOK
}

// parseNoOperands parses a command that takes flags only; a code >= 0
// means the command ends there with it.
func parseNoOperands(fs *flag.FlagSet, args []string, stdio IO) int {
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stdio, "%s: unexpected argument %q", strings.TrimPrefix(fs.Name(), "authplay "), fs.Arg(0))
	}
	return -1
}
