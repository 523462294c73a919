package flows_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/wire"
)

// Every row of the shared hostile table, against the machines themselves:
// the flow ends in bounded time, says what happened, never hands anything
// but http(s) to the browser opener, sends nothing to the second host, and
// every text it produces is safe to print.
func TestHostileTable(t *testing.T) {
	for _, row := range hostiletest.Rows() {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			s := row.Start(t)
			var mu sync.Mutex
			var opened []string
			env := flows.Env{HTTP: wire.NewClient(3 * time.Second), Loopback: loopback.New(), Strict: row.Strict,
				OpenBrowser: func(u string) error {
					mu.Lock()
					opened = append(opened, u)
					mu.Unlock()
					go row.Browse(u) //nolint:errcheck // the flow reports what arrives
					return nil
				},
			}
			t.Cleanup(env.Loopback.CloseAll)
			m, err := flows.New(flows.Start(row.Method, row.Params(s)), row.Credentials())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			var said []string // everything a person would read
			var lastErr error
			for i := 0; i < 10 && m.State().Phase != flows.PhaseFailed && m.State().Phase != flows.PhaseAuthorized; i++ {
				step, err := m.Next(ctx, env, flows.Input{})
				said = append(said, printable(t, step)...)
				hasCause(t, step.Diagnosis)
				if err != nil {
					lastErr = err
					said = append(said, err.Error())
					break
				}
			}
			var verdicts []flows.Verdict
			if m.State().Phase == flows.PhaseAuthorized {
				verdicts = flows.CheckState(ctx, env, m.State())
				said = append(said, printable(t, verdicts)...)
				said = append(said, printable(t, m.State())...)
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("took %s", took)
			}
			all := strings.Join(said, "\n")
			failed := m.State().Phase == flows.PhaseFailed || lastErr != nil || (row.Strict && strictFails(verdicts))
			if failed != row.Want.Fail {
				t.Fatalf("failed = %v, want %v (phase %s, err %v)\n%s", failed, row.Want.Fail, m.State().Phase, lastErr, all)
			}
			for _, want := range []string{row.Want.Shown, row.Want.Warning} {
				if want != "" && !strings.Contains(all, want) && !(row.Method == flows.DeviceCode && deviceShows(m.State(), want)) {
					t.Errorf("nothing says %q:\n%s", want, all)
				}
			}
			if n := s.OtherHits.Load(); n != 0 {
				t.Errorf("%d request(s) reached the second host", n)
			}
			if strings.Contains(all, hostiletest.ClientSecret) || strings.Contains(all, hostiletest.Password) || strings.Contains(all, hostiletest.SubjectToken) {
				t.Error("a secret is in what the person reads")
			}
			mu.Lock()
			defer mu.Unlock()
			for _, u := range opened {
				if flows.OpenableURL(u) != nil {
					t.Errorf("asked the browser to open %q", u)
				}
			}
			if errors.Is(lastErr, context.DeadlineExceeded) {
				t.Error("the flow ran into the test's deadline")
			}
		})
	}
}

// deviceShows: for the device flow, what a person reads includes whether
// the verification address may be opened (a front door says so).
func deviceShows(st flows.State, want string) bool {
	if st.Device == nil {
		return false
	}
	for _, u := range []string{st.Device.VerificationURI, st.Device.VerificationURIComplete} {
		if err := flows.OpenableURL(u); u != "" && err != nil && strings.Contains(err.Error(), want) {
			return true
		}
	}
	return false
}

func strictFails(vs []flows.Verdict) bool {
	for _, v := range vs {
		if v.Outcome == flows.Fail || v.Outcome == flows.Unverified {
			return true
		}
	}
	return false
}

// printable collects every string in v (fields, slices, maps, pointers)
// and fails the test if one holds a byte a terminal would act on.
func printable(t *testing.T, v any) []string {
	t.Helper()
	var out []string
	var walk func(reflect.Value, string)
	walk = func(rv reflect.Value, path string) {
		switch rv.Kind() {
		case reflect.String:
			s := rv.String()
			if err := hostiletest.Terminal([]byte(s)); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			out = append(out, s)
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(rv.Elem(), path)
			}
		case reflect.Struct:
			for i := range rv.NumField() {
				if rv.Type().Field(i).IsExported() {
					walk(rv.Field(i), path+"."+rv.Type().Field(i).Name)
				}
			}
		case reflect.Slice, reflect.Array:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				return // raw bytes (the response as received) are never printed as they are
			}
			for i := range rv.Len() {
				walk(rv.Index(i), path)
			}
		case reflect.Map:
			for _, k := range rv.MapKeys() {
				walk(k, path+"[key]")
				walk(rv.MapIndex(k), path+"["+k.String()+"]")
			}
		}
	}
	walk(reflect.ValueOf(v), reflect.TypeOf(v).Name())
	return out
}
