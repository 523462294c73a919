package ui

import (
	"reflect"
	"testing"
)

// notADoor are the Deps and Env fields that reach nothing outside: a clock.
// (Env.Loopback, the redirect listener, is a real one in strictDeps: a
// concrete type that cannot be made to fail. It opens a socket only in
// Prepare, which a flow's step calls, inside a command.)
var notADoor = map[string]bool{"Deps.Now": true, "Env.Now": true}

// strictDeps must fail on every door to the outside, or the no-I/O tests
// prove nothing for the door it leaves open: a door added to Deps (or to
// flows.Env) later fails this test until strictDeps guards it too.
func TestStrictDepsGuardEveryDoor(t *testing.T) {
	d := strictDeps(t)
	check := func(owner string, v reflect.Value) {
		for i := range v.NumField() {
			f, name := v.Field(i), owner+"."+v.Type().Field(i).Name
			switch f.Kind() {
			case reflect.Func, reflect.Interface, reflect.Pointer:
				if f.IsNil() && !notADoor[name] {
					t.Errorf("strictDeps leaves %s nil: a call from Update would go unnoticed (or crash) instead of failing the test", name)
				}
			}
		}
	}
	check("Deps", reflect.ValueOf(d))
	check("Env", reflect.ValueOf(d.Env))
}
