package pairs

import (
	"fmt"
	"os"
	"os/exec"
)

// ReleaseBuild is how .goreleaser.yaml builds the archives people
// download: no cgo (a static binary, with no dynamic loader or libc to
// map at every start), no local paths, no symbol table or DWARF. The
// tests and the whole-process pairs build authplay, and the bare
// baseline, the same way, so the README's figures are the released
// binary's and both sides of a pair are built alike. (`go install` on a
// machine with a C compiler links the cgo resolver instead: a dynamic
// binary, about 0.7 ms slower to start.)
var ReleaseBuild = struct {
	Env   []string
	Flags []string
}{
	Env:   []string{"CGO_ENABLED=0"},
	Flags: []string{"-trimpath", "-ldflags=-s -w"},
}

// Build builds pkg into out as a release is built.
func Build(out, pkg string) error {
	args := append(append([]string{"build"}, ReleaseBuild.Flags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), ReleaseBuild.Env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %v\n%s", args, err, b)
	}
	return nil
}
