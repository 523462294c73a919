package cli

import (
	"fmt"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
)

// boot is the TUI's model while its App is being made. Making it (the
// built-in server started, the first screen built) takes a few
// milliseconds that the first frame needs, but that Bubble Tea's own start
// (the terminal set up, the wait for the renderer's first tick) need not
// wait for: so the making runs on its own goroutine from before the
// program starts, and boot holds every message that comes meanwhile (the
// window's size, its colours, an early key) to hand to the App, in order,
// once it is there (but ctrl+c, which ends the program at once). From then
// on boot passes everything through.
type boot struct {
	done chan struct{} // closed once made is set
	made bootResult
	app  tea.Model
	held []tea.Msg
	err  error // the App could not be made: the program ends with it
}

type bootResult struct {
	app     tea.Model
	cleanup func()
	err     error
}

// newBoot starts build on its own goroutine. build returns the App and
// what to undo when the program ends (the built-in server's Close).
func newBoot(build func() (tea.Model, func(), error)) *boot {
	b := &boot{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		// A panic here is on no goroutine Bubble Tea watches: it would end
		// the process with the terminal still raw and in the alternate
		// screen. It ends the program instead, which gives the terminal
		// back before the reason is printed.
		defer func() {
			if r := recover(); r != nil {
				b.made = bootResult{err: fmt.Errorf("its screens could not be made (a bug: please report it): %v\n%s", r, debug.Stack())}
			}
		}()
		app, cleanup, err := build()
		b.made = bootResult{app: app, cleanup: cleanup, err: err}
	}()
	return b
}

// Init waits, off the update loop, for the App.
func (b *boot) Init() tea.Cmd {
	return func() tea.Msg {
		<-b.done
		return b.made
	}
}

func (b *boot) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if b.app != nil {
		var cmd tea.Cmd
		b.app, cmd = b.app.Update(msg)
		return b, cmd
	}
	r, ok := msg.(bootResult)
	if !ok {
		// ctrl+c is answered at once: the making may be stuck on a slow
		// disk, and before the App there is nothing to lose.
		if k, isKey := msg.(tea.KeyPressMsg); isKey && k.String() == "ctrl+c" {
			return b, tea.Interrupt
		}
		b.held = append(b.held, msg)
		return b, nil
	}
	if r.err != nil {
		b.err = r.err
		return b, tea.Quit
	}
	b.app = r.app
	cmds := []tea.Cmd{b.app.Init()}
	for _, m := range b.held {
		var cmd tea.Cmd
		b.app, cmd = b.app.Update(m)
		cmds = append(cmds, cmd)
	}
	b.held = nil
	return b, tea.Batch(cmds...)
}

// View is an empty alternate screen until the App is there: a frame drawn
// before then (on a busy machine) shows nothing rather than the shell.
func (b *boot) View() tea.View {
	if b.app == nil {
		v := tea.NewView("")
		v.AltScreen = true
		return v
	}
	return b.app.View()
}

// close waits for the making to end (the program may have ended first) and
// undoes it: the built-in server stops.
func (b *boot) close() {
	<-b.done
	if b.made.cleanup != nil {
		b.made.cleanup()
	}
}
