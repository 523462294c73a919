package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/loopback"
	"github.com/authplay/authplay/flows/spacetest"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// FuzzRootModel drives the whole program by keys, pastes, ticks and window
// sizes only, as a person mashing the keyboard would, on every screen and
// against the built-in server in this process. After every message it
// asserts what must always hold: no panic, no rendered line wider than the
// window, no more lines than the window has, and ctrl+c ends the program.
//
// Commands run for real (store, HTTP, the loopback listener); their results
// come back as messages between key presses, as they would in a program.
func FuzzRootModel(f *testing.F) {
	srv := spacetest.Start(f, spacetest.WithDeviceInterval(time.Second), spacetest.WithHeadlessApproval(true))
	stateDir := f.TempDir()
	for _, seed := range fuzzSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 400 {
			script = script[:400] // long scripts only slow the fuzzer down
		}
		h := newFuzzHarness(t, srv, stateDir, script)
		defer h.close()
		h.run(script)
	})
}

// fuzzSeeds reach each screen: start, picker, each form, a run to the
// inspector through the demo shortcut, its panels and menus, the guide,
// the new-profile form, endpoint verification and the lab (from the flow
// list and from the inspector). The first byte picks the
// starting screen; fuzzEvent says what each later byte does.
var fuzzSeeds = [][]byte{
	[]byte("\x00"),
	[]byte("\x00\r\r\r"),
	[]byte("\x02\ra\t\t\t\tCe1"),
	[]byte("\x03\r\t\t\t\t\t\t\t\t\x7f"),
	[]byte("\x04\x0b\x0b\x0b\x0b\r"),
	[]byte("\x05\r\x01\x02xyz\x08\r"),
	[]byte("\x00jjjjjjjj\rg"),
	[]byte("\x00\x02\x02\r"),
	[]byte("\x06\rra\x1b\x1b"),
	[]byte("\x07\r\x10\x11\x12\x13"),
	[]byte("\x00\x02n\x02n\x7f\x7f"),
	[]byte("\x03\rv~http://127.0.0.1:1/callback?code=x&state=y\x00\r"),
	[]byte("\x00ga?x"),
	// the guide's key pair, made and then asked for again (kept, shown).
	[]byte("\x01gssKkj"),
	[]byte("\x01\x01\x01\rs1234c\x02\x1b"),
	[]byte("\x02\ra\t\t i\x20\x00\x00x\x20\xff\xff"),
	[]byte("\x02\ra\tC3\t\tC\x1b\tCx"),
	[]byte("\x01\x01\ra\x02v\x02\x02\x1bs\x1b"),
	[]byte("\x01\x01\r\r\x02\x02r\x1b\x20\x10\x03\x02\x1bv\x7f"),
	[]byte("\x02\ral\ra\x1b\x1b"),
	// ctrl+o on every row: the scope row opens its picker, picks and applies.
	[]byte("\x04" + strings.Repeat("\x1c\x02\x0f\r\t", 8)),
	[]byte("\x03\t\t\t\x1c\x01\x0f\x02\x02\x0fk\x1b\x1cq\x1b"),
	parSeed,
	jarSeed,
	mtlsSeed,
	[]byte("\x08\t\x0b\x1b"),
	[]byte("\x09\t\t\tsubject\t\x04\x04\tactor\t\x03\tdemo-public\thttp://x/#f\t\x04\x12\r\x1b\r"),
	[]byte("\x0a\t\t\tnot-a-jwt\x12\r\x1b\x0b\x08\x08\r"),
}

// jarSeed turns Request object on in the code flow's form, which then
// asks for the private key file, and tries to run without one.
var jarSeed = []byte("\x02" + strings.Repeat("\t", 15) + "\x04\r")

// mtlsSeed chooses tls_client_auth in the client credentials form (six
// steps right from auto), which then shows the certificate rows: it fills
// them with files that do not exist and tries to run.
var mtlsSeed = []byte(string(rune(2+slices.IndexFunc(flows.Methods(), func(mi flows.MethodInfo) bool { return mi.Method == flows.ClientCredentials }))) +
	"\t\t\t\t" + strings.Repeat("\x04", 6) + "\t/no/cert.pem\t/no/key.pem\t/no/ca.pem\r")

// parSeed turns Pushed request on in the code flow's form, runs it in
// step mode (ctrl+p) and sends each request as it pauses: the push, the
// browser (approved as the demo user), the code's exchange.
var parSeed = []byte("\x02" + strings.Repeat("\t", 14) + "\x04\x1a\r\r\ra\x7f\r\x7f")

// The seeds are where the fuzzer starts from: together they must reach
// every screen, so a screen added later without a seed fails here.
func TestFuzzSeedsReachEveryScreen(t *testing.T) {
	srv := spacetest.Start(t, spacetest.WithDeviceInterval(time.Second), spacetest.WithHeadlessApproval(true))
	stateDir := t.TempDir()
	want := []string{"start", "pick a flow", "parameters", "running", "token", "registration guide", "new profile", "endpoint verification", "lab"}
	for _, mi := range flows.Methods() {
		want = append(want, "parameters of "+string(mi.Method))
	}
	shown := map[string]bool{}
	// A key pressed before the answer to the last one came is a different
	// script: on a loaded machine a store write can outlast the fuzzer's
	// 5 ms, so a seed that fell short is played again, waiting longer.
	for _, quick := range []time.Duration{quickCommand, 50 * time.Millisecond, 250 * time.Millisecond} {
		for _, seed := range fuzzSeeds {
			h := newFuzzHarness(t, srv, stateDir, seed)
			h.budget, h.quick = time.Minute, quick
			h.run(seed)
			h.close()
			for title := range h.shown {
				shown[title] = true
			}
		}
		if !slices.ContainsFunc(want, func(w string) bool { return !shown[w] }) {
			return
		}
	}
	for _, w := range want {
		if !shown[w] {
			t.Errorf("no seed reaches the %s screen", w)
		}
	}
}

// fuzzEvent maps a script byte to a key; ok is false for bytes that are
// not keys (sizes, ticks, pastes).
func fuzzEvent(b byte) (tea.KeyPressMsg, bool) {
	switch b {
	case 0x01:
		return tea.KeyPressMsg{Code: tea.KeyUp}, true
	case 0x02:
		return tea.KeyPressMsg{Code: tea.KeyDown}, true
	case 0x03:
		return tea.KeyPressMsg{Code: tea.KeyLeft}, true
	case 0x04:
		return tea.KeyPressMsg{Code: tea.KeyRight}, true
	case 0x05:
		return tea.KeyPressMsg{Code: tea.KeyPgUp}, true
	case 0x06:
		return tea.KeyPressMsg{Code: tea.KeyPgDown}, true
	case 0x07:
		return tea.KeyPressMsg{Code: tea.KeyHome}, true
	case 0x08:
		return tea.KeyPressMsg{Code: tea.KeyBackspace}, true
	case '\t':
		return tea.KeyPressMsg{Code: tea.KeyTab}, true
	case 0x0b:
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, true
	case 0x0c:
		return tea.KeyPressMsg{Code: tea.KeyEnd}, true
	case '\r':
		return tea.KeyPressMsg{Code: tea.KeyEnter}, true
	case 0x0e:
		return tea.KeyPressMsg{Code: tea.KeyDelete}, true
	case 0x0f:
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, true
	case 0x1b:
		return tea.KeyPressMsg{Code: tea.KeyEscape}, true
	case 0x1c:
		return tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}, true // a list field's picker
	case 0x20, 0x7e, 0x7f:
		return tea.KeyPressMsg{}, false
	}
	switch {
	case b >= 0x10 && b < 0x1b: // ctrl+r, ctrl+t (theme), ctrl+u, ctrl+a, ctrl+e, ...
		return tea.KeyPressMsg{Code: rune("rtuaekwdlnp"[b-0x10]), Mod: tea.ModCtrl}, true
	case b >= 0x21 && b < 0x7e:
		return tea.KeyPressMsg{Code: rune(b), Text: string(rune(b))}, true
	case b >= 0x80 && b < 0xc0: // wide and combining characters, typed
		r := []rune("é界🔑\u0301ß中文ÅΩ")[int(b)%9]
		return tea.KeyPressMsg{Code: r, Text: string(r)}, true
	}
	return tea.KeyPressMsg{Code: rune(b&0x3f) + 'a', Mod: tea.ModAlt}, true
}

// newFuzzHarness starts the program where the script's first byte says:
// the start screen with profiles, the flow picker, or one method's form (as
// --flow does).
func newFuzzHarness(t *testing.T, srv *spacetest.Server, stateDir string, script []byte) *harness {
	st, err := store.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	deps := fuzzDeps(srv, st, loopback.New(), stop, t.TempDir())
	methods := flows.Methods()
	if len(script) > 0 {
		switch pick := int(script[0]) % (len(methods) + 2); {
		case pick == 0:
		case pick == 1:
			deps.Profiles = nil
		default:
			deps.Profiles, deps.Flow = nil, methods[pick-2].Method
		}
	}
	return newHarness(t, deps, 80, 24, stop)
}

func fuzzDeps(srv *spacetest.Server, st *store.Store, lb *loopback.Listener, stop chan struct{}, configDir string) Deps {
	deps := goldenDeps()
	deps.Now = nil
	prov, _ := flows.Space(srv.URL)
	prov.Builtin, prov.Name = true, "Demo Space (offline)"
	prov.DeviceURL = srv.URL + "/oauth/device"
	prov.IntrospectURL, prov.RevokeURL = srv.URL+"/oauth/introspect", srv.URL+"/oauth/revoke"
	prov.PARURL = srv.URL + "/oauth/par"
	deps.Profile.Params.Provider = prov
	deps.Profile.PermanentToken = spacetest.DemoPersonalToken
	deps.Profile.SigningKey = spacetest.DemoSigningKey
	deps.Sessions, deps.Demo = st, spaceDemo{srv}
	deps.Clipboard = func(string) error { return nil }
	deps.StateDir, deps.CreateFile = configDir, store.CreatePrivate // the guide's SSH key lands here
	deps.Env = flows.Env{
		HTTP: wire.NewClient(2 * time.Second), Loopback: lb,
		// A device flow's wait between polls ends with the iteration.
		Sleep: func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			case <-stop:
				return errors.New("the fuzz iteration ended")
			}
		},
		OpenBrowser: func(string) error { return errors.New("no browser in the fuzzer") },
	}
	other := deps.Profile
	other.Name, other.Saved = "other", &store.Profile{Name: "other"}
	deps.Profiles = []Profile{deps.Profile, other}
	deps.ProfilesPath = filepath.Join(configDir, "profiles.json")
	return deps
}

// scriptBudget bounds one script's play. The fuzz engine kills a worker
// whose input runs 10 s ("deadlocked!", its output discarded), and under
// the race detector 400 typed wide characters take about that long.
const scriptBudget = 4 * time.Second

// run plays the script: each byte is one event; some take the next bytes as
// their argument (a size, a paste).
func (h *harness) run(script []byte) {
	start := time.Now()
	for i := 1; i < len(script); i++ {
		if time.Since(start) > h.budget {
			break // what was played is checked; ctrl+c below still must end it
		}
		b := script[i]
		if k, ok := fuzzEvent(b); ok {
			h.deliver(k)
			h.collect()
			continue
		}
		switch {
		case b == 0x20: // a window size from 20×5 to 250×80
			if i+2 < len(script) {
				h.w, h.h = 20+int(script[i+1])%231, 5+int(script[i+2])%76
				i += 2
				h.deliver(tea.WindowSizeMsg{Width: h.w, Height: h.h})
			}
		case b == 0x7f: // a clock tick
			h.deliver(tickMsg(time.Now()))
		case b == 0x7e: // a paste of the next bytes, up to a NUL
			end := i + 1
			for end < len(script) && script[end] != 0 {
				end++
			}
			h.deliver(tea.PasteMsg{Content: string(script[i+1 : end])})
			i = end
		}
		h.collect()
	}
	h.interrupt()
}

// interrupt presses ctrl+c and proves it ends the program from wherever the
// script left it: the command it returns must be tea.Interrupt.
func (h *harness) interrupt() {
	h.t.Helper()
	_, cmd := h.app.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if cmd == nil {
		h.t.Fatalf("ctrl+c on %s returned no command", h.app.screen.Title())
	}
	if _, ok := runQuick(cmd).(tea.InterruptMsg); !ok {
		h.t.Fatalf("ctrl+c on %s did not interrupt the program", h.app.screen.Title())
	}
}

// runQuick runs a command that must not block (tea.Interrupt), unpacking a batch.
func runQuick(cmd tea.Cmd) tea.Msg {
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if c == nil {
					continue
				}
				if m, ok := runQuick(c).(tea.InterruptMsg); ok {
					return m
				}
			}
		}
		return msg
	case <-time.After(time.Second):
		return fmt.Errorf("the command blocked")
	}
}
