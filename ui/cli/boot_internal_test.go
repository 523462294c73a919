package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// recorder is an App stand-in that notes what it was given; each message
// it is given answers with a command that says so.
type recorder struct{ got *[]string }

func (r recorder) Init() tea.Cmd {
	*r.got = append(*r.got, "init")
	return func() tea.Msg { return "from init" }
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	*r.got = append(*r.got, fmt.Sprint(msg))
	return r, func() tea.Msg { return "answer to " + fmt.Sprint(msg) }
}

func (r recorder) View() tea.View { return tea.NewView("the app") }

// runInit runs a command the way Bubble Tea would, with a deadline.
func runInit(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	out := make(chan tea.Msg, 1)
	go func() { out <- cmd() }()
	select {
	case msg := <-out:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("boot's Init did not answer within 10 s")
		return nil
	}
}

// TestBootHandsEarlyMessagesToTheAppInOrder: what comes while the App is
// being made (the window's size, a key) reaches it once it is there, in
// the order it came, after its Init; then boot passes everything through.
func TestBootHandsEarlyMessagesToTheAppInOrder(t *testing.T) {
	var got []string
	release := make(chan struct{})
	b := newBoot(func() (tea.Model, func(), error) {
		<-release
		return recorder{&got}, nil, nil
	})
	defer b.close()
	if v := b.View(); v.Content != "" || !v.AltScreen {
		t.Errorf("before the App, the frame is %q (alt screen %v); want an empty alternate screen", v.Content, v.AltScreen)
	}
	b.Update("size")
	b.Update("key q")
	close(release)
	_, cmd := b.Update(runInit(t, b.Init()))
	if cmd == nil {
		t.Fatal("the App's Init command was lost")
	}
	// The commands the App answered the held messages with are not lost.
	answers := map[string]bool{}
	for _, msg := range runAll(t, cmd) {
		answers[fmt.Sprint(msg)] = true
	}
	for _, want := range []string{"from init", "answer to size", "answer to key q"} {
		if !answers[want] {
			t.Errorf("the command giving %q was lost; the batch gave %v", want, answers)
		}
	}
	b.Update("later")
	if want := []string{"init", "size", "key q", "later"}; !slices.Equal(got, want) {
		t.Errorf("the App was given %q, want %q", got, want)
	}
	if v := b.View(); v.Content != "the app" {
		t.Errorf("after boot the frame is %q, want the App's", v.Content)
	}
}

// runAll runs cmd and, for a batch, each command in it, as Bubble Tea
// would, and gives the messages they return.
func runAll(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := runInit(t, cmd)
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	var out []tea.Msg
	for _, c := range batch {
		out = append(out, runAll(t, c)...)
	}
	return out
}

// TestBootEndsTheProgramWhenTheAppCannotBeMade: the built-in server not
// starting ends the program with the reason, and nothing is undone twice.
func TestBootEndsTheProgramWhenTheAppCannotBeMade(t *testing.T) {
	b := newBoot(func() (tea.Model, func(), error) {
		return nil, nil, errors.New("the built-in server could not start: port taken")
	})
	_, cmd := b.Update(runInit(t, b.Init()))
	if cmd == nil {
		t.Fatal("no command: the program would not end")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Error("the command is not tea.Quit")
	}
	if b.err == nil || b.err.Error() != "the built-in server could not start: port taken" {
		t.Errorf("boot's error is %v", b.err)
	}
	b.close()
}

// TestBootCloseWaitsForTheMakingAndUndoesIt: a program that ends before
// the App was handed over (ctrl+c at once) still stops the built-in
// server, once the making is done, and not before.
func TestBootCloseWaitsForTheMakingAndUndoesIt(t *testing.T) {
	var closed atomic.Int32
	release := make(chan struct{})
	b := newBoot(func() (tea.Model, func(), error) {
		<-release
		return recorder{new([]string)}, func() { closed.Add(1) }, nil
	})
	ended := make(chan struct{})
	go func() { b.close(); close(ended) }()
	select {
	case <-ended:
		t.Fatal("close returned before the making ended")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("close did not return within 10 s of the making's end")
	}
	if n := closed.Load(); n != 1 {
		t.Errorf("the server was stopped %d times, want 1", n)
	}
}

// TestBootTurnsAPanicIntoAnError: a panic while the App is made ends the
// program through Bubble Tea, which gives the terminal back, with the
// reason to print; nothing runs on a dead goroutine.
func TestBootTurnsAPanicIntoAnError(t *testing.T) {
	b := newBoot(func() (tea.Model, func(), error) { panic("a screen with no rows") })
	_, cmd := b.Update(runInit(t, b.Init()))
	if cmd == nil {
		t.Fatal("no command: the program would not end")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Error("the command is not tea.Quit")
	}
	if b.err == nil || !strings.Contains(b.err.Error(), "a screen with no rows") || !strings.Contains(b.err.Error(), "please report it") {
		t.Errorf("boot's error is %v", b.err)
	}
	b.close()
}

// TestBootAnswersCtrlCAtOnce: while the App is still being made (its
// server stuck on a slow disk, say), ctrl+c ends the program at once
// instead of waiting in line for an App that may never come.
func TestBootAnswersCtrlCAtOnce(t *testing.T) {
	release := make(chan struct{})
	b := newBoot(func() (tea.Model, func(), error) {
		<-release
		return recorder{new([]string)}, nil, nil
	})
	defer func() { close(release); b.close() }()
	_, cmd := b.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if cmd == nil {
		t.Fatal("ctrl+c was held for the App")
	}
	if _, interrupted := cmd().(tea.InterruptMsg); !interrupted {
		t.Errorf("ctrl+c gave %T, want tea.InterruptMsg", cmd())
	}
	if len(b.held) != 0 {
		t.Errorf("ctrl+c was also held: %v", b.held)
	}
}

// TestTUIExitCodes: ctrl+c and signals are 130; a panic Bubble Tea
// recovered (which it reports as killed) and any other failure are 1.
func TestTUIExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{tea.ErrInterrupted, ExitInterrupted},
		{tea.ErrProgramKilled, ExitInterrupted},
		{fmt.Errorf("%w: %w", tea.ErrProgramKilled, context.Canceled), ExitInterrupted},
		{fmt.Errorf("%w: %w", tea.ErrProgramKilled, tea.ErrProgramPanic), ExitFailed},
		{errors.New("could not open a new TTY"), ExitFailed},
	} {
		if got := tuiExitCode(c.err); got != c.want {
			t.Errorf("tuiExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
