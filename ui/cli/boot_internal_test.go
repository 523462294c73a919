package cli

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// recorder is an App stand-in that notes what it was given.
type recorder struct{ got *[]string }

func (r recorder) Init() tea.Cmd {
	*r.got = append(*r.got, "init")
	return func() tea.Msg { return "from init" }
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	*r.got = append(*r.got, fmt.Sprint(msg))
	return r, nil
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
	b.Update("later")
	if want := []string{"init", "size", "key q", "later"}; !slices.Equal(got, want) {
		t.Errorf("the App was given %q, want %q", got, want)
	}
	if v := b.View(); v.Content != "the app" {
		t.Errorf("after boot the frame is %q, want the App's", v.Content)
	}
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
