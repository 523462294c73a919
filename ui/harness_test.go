package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/loopback"
)

// harness is a small Bubble Tea runtime for tests that drive the whole
// program: it delivers messages to the root model, runs the commands that
// come back on goroutines, feeds their results back between events, and
// checks every frame the model draws.
type harness struct {
	t       *testing.T
	app     *App
	w, h    int
	results chan harnessResult
	stop    chan struct{}
	lb      *loopback.Listener
	nextID  int
	running map[int]time.Time // commands started and not yet delivered, by when they started
	frames  []string          // every frame drawn, colours stripped
	keep    bool              // keep frames (off for the fuzzer: it only checks)
	shown   map[string]bool   // the titles of the screens that drew a frame
	budget  time.Duration     // how long run plays a script (scriptBudget unless set)
	quick   time.Duration     // how long a quick command may take (quickCommand unless set)
}

type harnessResult struct {
	id  int
	msg tea.Msg
}

// quickCommand is how long a command may take and still count as quick:
// its result is delivered before the next event. Loopback HTTP and the
// store answer well within it; a text input's cursor blink (a timer) does
// not, and waiting for one after every key press would make long scripts
// too slow to fuzz.
const quickCommand = 5 * time.Millisecond

// newHarness starts the program with deps at w×h. deps.Env.Loopback is
// closed with the harness; stop ends waits that take it (Env.Sleep).
func newHarness(t *testing.T, deps Deps, w, h int, stop chan struct{}) *harness {
	hs := &harness{t: t, w: w, h: h, results: make(chan harnessResult, 256), running: map[int]time.Time{}, stop: stop, lb: deps.Env.Loopback, shown: map[string]bool{}, budget: scriptBudget, quick: quickCommand}
	hs.app = New(deps)
	hs.deliver(tea.WindowSizeMsg{Width: w, Height: h})
	hs.start(hs.app.Init())
	return hs
}

// deliver hands one message to the root model and checks the frame it draws.
func (h *harness) deliver(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.app.Update(msg)
	h.checkFrame(msg)
	h.start(cmd)
}

// key presses one key and delivers what comes back quickly.
func (h *harness) key(k tea.KeyPressMsg) {
	h.t.Helper()
	h.deliver(k)
	h.collect()
}

// checkFrame asserts what every frame must hold: it fits the window, and
// it carries no escape sequence but its own colours, whatever a server sent.
func (h *harness) checkFrame(after tea.Msg) {
	h.t.Helper()
	content := h.app.View().Content
	lines := strings.Split(content, "\n")
	if len(lines) > h.h {
		h.t.Fatalf("after %T %v: %d lines in a window %d high:\n%s", after, after, len(lines), h.h, ansi.Strip(content))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > h.w {
			h.t.Fatalf("after %T %v: line %d is %d wide in a window %d wide:\n%q", after, after, i, w, h.w, ansi.Strip(l))
		}
	}
	if err := hostiletest.TerminalStyled(content); err != nil {
		h.t.Fatalf("after %T: the frame holds an escape a terminal would obey: %v", after, err)
	}
	// The help line is drawn once per change of what it shows (helpMemo):
	// a memo that missed a change would show keys the screen no longer
	// has, so the one in the frame must be the one drawn afresh.
	if h.app.width >= minWidth && h.app.height >= minHeight {
		memoed, saved := h.app.helpLine(h.app.width-1), h.app.helpMemo
		h.app.helpMemo = helpMemo{}
		if fresh := h.app.helpLine(h.app.width - 1); fresh != memoed {
			h.t.Fatalf("after %T: the help line shown is stale:\n shown %q\n fresh %q", after, ansi.Strip(memoed), ansi.Strip(fresh))
		}
		h.app.helpMemo = saved
	}
	h.shown[h.app.screen.Title()] = true
	if f, ok := h.app.screen.(*form); ok {
		h.shown["parameters of "+string(f.Flow())] = true // each method's form, not just one
	}
	if h.keep {
		h.frames = append(h.frames, ansi.Strip(content))
	}
}

// start runs a command on its own goroutine, as the Bubble Tea runtime does.
func (h *harness) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.nextID++
	id := h.nextID
	h.running[id] = time.Now()
	go func() {
		msg := cmd()
		select {
		case h.results <- harnessResult{id, msg}:
		case <-h.stop:
		}
	}()
}

// collect delivers the results that arrive soon after an event: quick
// commands (store, the built-in server) come back within quickCommand;
// slow ones (ticks, a browser wait) come back at a later event or never.
func (h *harness) collect() {
	for {
		var youngest time.Time
		for _, at := range h.running {
			if at.After(youngest) {
				youngest = at
			}
		}
		wait := h.quick - time.Since(youngest)
		if len(h.running) == 0 || wait <= 0 {
			wait = 0
		}
		timer := time.NewTimer(wait)
		select {
		case r := <-h.results:
			timer.Stop()
			h.result(r)
		case <-timer.C:
			select {
			case r := <-h.results:
				h.result(r)
			default:
				return
			}
		}
	}
}

// until delivers results as they come until cond holds; it fails the test
// at the deadline.
func (h *harness) until(what string, deadline time.Duration, cond func() bool) {
	h.t.Helper()
	timeout := time.After(deadline)
	for !cond() {
		select {
		case r := <-h.results:
			h.result(r)
		case <-timeout:
			h.t.Fatalf("not %s within %s; the screen:\n%s", what, deadline, ansi.Strip(h.app.View().Content))
		}
	}
	h.collect()
}

func (h *harness) result(r harnessResult) {
	delete(h.running, r.id)
	switch msg := r.msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.start(c)
		}
	case tea.QuitMsg, tea.InterruptMsg:
		// The program would end here; tests go on looking at the model.
	default:
		if cmds, ok := sequence(msg); ok {
			for _, c := range cmds {
				h.start(c)
			}
			return
		}
		h.deliver(msg)
	}
}

// sequence unpacks tea.Sequence's unexported message (a []tea.Cmd).
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// seen reports whether any frame drawn so far shows text, wrapped or not.
func (h *harness) seen(text string) bool {
	want := strings.Join(strings.Fields(text), " ")
	for _, f := range h.frames {
		if strings.Contains(strings.Join(strings.Fields(f), " "), want) {
			return true
		}
	}
	return false
}

// close ends the run. Commands still running end by themselves soon after
// (ticks within seconds; waits for a redirect as their listener closes;
// HTTP within its timeout); their results go nowhere.
func (h *harness) close() {
	close(h.stop)
	h.lb.CloseAll()
}
