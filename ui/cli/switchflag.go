package cli

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/authplay/authplay/flows"
)

// switchValue is the flag of an on/off field: given alone (--dpop) it is
// on, as a bool flag is; --dpop=false turns it off. It holds the field's
// own values, "on" or "", so the draft takes it like any other flag.
type switchValue struct{ v *string }

func (s switchValue) String() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

func (s switchValue) Set(x string) error {
	on, err := strconv.ParseBool(x)
	if err != nil {
		return fmt.Errorf("%q: give the flag alone to turn it on, or =false to turn it off", x)
	}
	*s.v = map[bool]string{true: "on", false: ""}[on]
	return nil
}

// IsBoolFlag lets the flag stand alone, as the flag package's own bools do.
func (s switchValue) IsBoolFlag() bool { return true }

// switchFlag defines the flag of a Switch field.
func switchFlag(fs *flag.FlagSet, fd flows.FieldDef) *string {
	v := new(string)
	fs.Var(switchValue{v}, fd.Flag(), fd.Usage)
	return v
}
