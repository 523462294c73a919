package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/termsafe"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/themes"
)

const (
	minWidth  = 80
	minHeight = 24
)

// App is the root model: it owns the frame (header, help line, flashes,
// the help overlay), routes messages, and moves between screens.
type App struct {
	k        *kit
	keys     globalKeys
	help     help.Model
	helpMemo helpMemo // the last help line drawn (helpLine)
	screen   Screen
	lastID   int
	width    int
	height   int
	showHelp bool
	isDark   bool
	ticking  bool // a one-second tick is on its way
	flash    string
	flashID  int
}

// New builds the program's root model.
func New(deps Deps) *App {
	deps.Theme = cmpOr(deps.Theme, themes.Default())
	d := deps
	st := &appState{profile: d.Profile, profiles: append([]Profile(nil), d.Profiles...), stepMode: d.StepMode}
	a := &App{k: &kit{deps: &d, styles: themes.New(d.Theme, true), state: st}, keys: newGlobalKeys(), help: help.New(),
		isDark: true, width: minWidth, height: minHeight}
	a.help.Styles = a.k.styles.Help
	switch {
	case d.Flow != "":
		a.screen = newForm(a.k, a.nextID(), a.draftFor(d.Flow))
	case len(st.profiles) > 0:
		a.screen = newStart(a.k, a.nextID())
	default:
		a.screen = newPicker(a.k, a.nextID())
	}
	a.screen.SetSize(a.bodySize())
	return a
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (a *App) nextID() int { a.lastID++; return a.lastID }

// draftFor is a fresh draft of a method from the profile in use.
func (a *App) draftFor(m flows.Method) flows.Draft {
	p := a.k.state.profile
	return flows.Draft{Method: m, Params: p.Params, Creds: p.Creds, Seed: p.seedFor(m)}
}

// Init asks the terminal for its background, to pick light or dark styles,
// and starts the first screen.
func (a *App) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, a.screen.Init(), a.tickIfCounting())
}

// goTo shows a screen: it gets its room, starts its commands, and the
// clock ticks if it counts down. Every change of screen passes here.
func (a *App) goTo(s Screen) tea.Cmd {
	a.screen = s
	s.SetSize(a.bodySize())
	return tea.Batch(s.Init(), a.tickIfCounting())
}

func (a *App) bodySize() (int, int) { return a.width, max(1, a.height-3) }

// tickIfCounting starts the one-second tick while the screen counts down;
// it stops by itself when nothing does.
func (a *App) tickIfCounting() tea.Cmd {
	if a.ticking || !a.screen.Counting() {
		return nil
	}
	a.ticking = true
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update routes messages in a fixed order: sizes and colours, navigation
// and results for the root, global keys, then the screen on show.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.screen.SetSize(a.bodySize())
		return a, nil
	case tea.BackgroundColorMsg:
		a.isDark = msg.IsDark()
		a.restyle(a.k.styles.Name)
		return a, nil
	case tickMsg:
		a.ticking = false
		cmd := a.toScreen(msg)
		return a, tea.Batch(cmd, a.tickIfCounting())
	case flashExpiredMsg:
		if msg.id == a.flashID {
			a.flash = ""
		}
		return a, nil
	case statusMsg:
		return a, a.setFlash(string(msg))
	case copiedMsg:
		text := "copied " + msg.what
		if msg.err != nil {
			text += " (through the terminal only: " + msg.err.Error() + ")"
		}
		return a, a.setFlash(text)
	case reportWrittenMsg:
		if msg.err != nil {
			return a, a.setFlash("the report could not be written: " + msg.err.Error())
		}
		return a, a.setFlash("report written to " + msg.path + " (secrets redacted)")
	case tea.KeyPressMsg:
		if cmd, done := a.globalKey(msg); done {
			return a, cmd
		}
	}
	if cmd, done := a.navigate(msg); done {
		return a, tea.Batch(cmd, a.tickIfCounting())
	}
	cmd := a.toScreen(msg)
	return a, tea.Batch(cmd, a.tickIfCounting())
}

func (a *App) toScreen(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.screen, cmd = a.screen.Update(msg)
	return cmd
}

// navigate handles the messages that change the screen.
func (a *App) navigate(msg tea.Msg) (tea.Cmd, bool) {
	k := a.k
	switch msg := msg.(type) {
	case flowChosenMsg:
		return a.goTo(newForm(k, a.nextID(), a.draftFor(msg.method))), true
	case profileChosenMsg:
		k.state.profile = msg.profile
		return a.goTo(newPicker(k, a.nextID())), true
	case newProfileMsg:
		return a.goTo(newProfileForm(k, a.nextID())), true
	case profileSavedMsg:
		k.state.profiles = append(k.state.profiles, msg.profile)
		// The path is said whole; the name gives way, so the flash keeps
		// to one line and the help line stays.
		room := a.width - 1 - ansi.StringWidth("saved profile  to "+k.deps.ProfilesPath)
		name := truncate(termsafe.Line(msg.profile.Name), max(12, room))
		return tea.Batch(a.goTo(newStart(k, a.nextID())), emit(statusMsg("saved profile "+name+" to "+k.deps.ProfilesPath))), true
	case resumeMsg:
		return a.resume(msg.sess), true
	case guideChosenMsg:
		return a.goTo(newGuide(k, a.nextID(), msg.method)), true
	case signaturesChosenMsg:
		return a.goTo(newSignatures(k, a.nextID())), true
	case labChosenMsg:
		return a.goTo(newLab(k, a.nextID(), msg.params, msg.creds, msg.back)), true
	case submitMsg:
		return a.goTo(newRun(k, a.nextID(), msg.draft, msg.state)), true
	case editMsg:
		return a.goTo(newForm(k, a.nextID(), msg.draft)), true
	case authorizedMsg:
		return a.goTo(newInspect(k, a.nextID(), msg.sess, msg.creds)), true
	case showPickerMsg:
		return a.goTo(newPicker(k, a.nextID())), true
	case showStartMsg:
		if len(k.state.profiles) == 0 {
			return nil, true // started on one profile: there is no start screen
		}
		return a.goTo(newStart(k, a.nextID())), true
	}
	return nil, false
}

// globalKey handles the keys that work on every screen; done says the key
// was used.
func (a *App) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	typing := a.screen.Typing()
	switch {
	case key.Matches(msg, a.keys.ForceQuit):
		return tea.Interrupt, true // exit status 130, as for any interrupted program
	case a.showHelp:
		a.showHelp = false
		return nil, true
	case !typing && key.Matches(msg, a.keys.Quit):
		return tea.Quit, true
	case !typing && key.Matches(msg, a.keys.Help):
		a.showHelp = true
		return nil, true
	case key.Matches(msg, a.keys.Theme):
		a.restyle(themes.Next(a.k.styles.Name, a.isDark))
		return tea.Batch(a.setFlash("theme: "+a.k.styles.Name), a.saveSettings()), true
	case key.Matches(msg, a.keys.StepMode):
		a.k.state.stepMode = !a.k.state.stepMode
		text := "step mode off"
		if a.k.state.stepMode {
			text = "step mode on: authplay pauses before each request it sends (enter sends, e edits, s skips)"
		}
		return tea.Batch(a.setFlash(text), a.saveSettings()), true
	}
	return nil, false
}

// saveSettings remembers the theme and step mode, in a command.
func (a *App) saveSettings() tea.Cmd {
	save := a.k.deps.SaveSettings
	if save == nil {
		return nil
	}
	s := store.Settings{Theme: a.k.styles.Name, StepMode: a.k.state.stepMode}
	return func() tea.Msg {
		if err := save(s); err != nil {
			return statusMsg("your settings could not be saved: " + err.Error())
		}
		return nil
	}
}

func (a *App) restyle(name string) {
	a.k.styles = themes.New(name, a.isDark)
	a.help.Styles = a.k.styles.Help
}

func (a *App) setFlash(text string) tea.Cmd {
	a.flash = text
	a.flashID++
	id := a.flashID
	return tea.Tick(4*time.Second, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} })
}

// resume reopens a session from the history: a token goes to the
// inspector; a flow that was waiting or failed goes back to its run screen,
// which asks again for the secret that was never saved when it needs one.
func (a *App) resume(sess store.Session) tea.Cmd {
	k := a.k
	var creds flows.Credentials
	for _, p := range k.state.profiles {
		if p.Name == sess.Profile {
			k.state.profile = p
			creds = p.Creds // resolved from the profile's env: or file: reference
		}
	}
	if sess.State.Phase == flows.PhaseAuthorized {
		return a.goTo(newInspect(k, a.nextID(), sess, creds))
	}
	return a.goTo(resumeRun(k, a.nextID(), sess, creds))
}

// View draws the frame: header, rule, the screen, flash and help lines.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "authplay · " + a.screen.Title()
	return v
}

func (a *App) render() string {
	s := a.k.styles
	w, h := a.width, a.height
	if w < minWidth || h < minHeight {
		return tooSmall(s, w, h)
	}
	left := s.Header.Render(" authplay") + s.Subtle.Render(" · "+truncate(termsafe.Line(a.k.state.profile.Name), w/2))
	right := ""
	if f, ok := a.screen.(flowScreen); ok && f.Flow() != "" {
		right = s.Subtle.Render(f.Flow().Info().Title + " ")
	}
	gap := max(1, w-lipgloss.Width(left)-lipgloss.Width(right))
	header := truncate(left+strings.Repeat(" ", gap)+right, w)
	rule := s.Rule.Render(strings.Repeat("─", w))
	body := a.screen.View()
	if a.showHelp {
		body = a.helpView()
	}
	footer := " " + a.helpLine(w-1)
	if a.flash != "" {
		// A flash may carry a path a person needs whole: wrap it, never cut it.
		footer = indent(s.OK.Width(w-1).Render(a.flash), 1)
	}
	bodyHeight := h - 2 - lipgloss.Height(footer)
	lines := strings.Split(body, "\n")
	if len(lines) > bodyHeight {
		lines = lines[:bodyHeight]
	}
	for len(lines) < bodyHeight {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	return strings.Join(append([]string{header, rule}, append(lines, footer)...), "\n")
}

// flowScreen is a screen about one flow, which the header names.
type flowScreen interface{ Flow() flows.Method }

// helpLine is as many of the keys as fit in width, whole, and an ellipsis
// when some did not; the way to the rest (? help, or ctrl+c quit while a
// field has focus) always stays. The keys are chosen here and help only
// draws them: bubbles/help's own cut lets the line run past its width
// when the ellipsis itself does not fit.
func (a *App) helpLine(width int) string {
	global := []key.Binding{a.keys.Help, a.keys.Quit}
	if a.screen.Typing() {
		global = []key.Binding{a.keys.ForceQuit}
	}
	var keys []key.Binding
	for _, b := range append(a.screen.ShortHelp(), global...) {
		if b.Enabled() {
			keys = append(keys, b)
		}
	}
	memo := helpMemoKey(width, keys, global[0])
	if a.helpMemo.styles == a.k.styles && memo == a.helpMemo.key {
		return a.helpMemo.line
	}
	line := a.fitHelp(width, keys, global[0])
	a.helpMemo = helpMemo{styles: a.k.styles, key: memo, line: line}
	return line
}

// fitHelp draws keys in width, cut before the first that does not fit, with
// an ellipsis and the way to the rest (way) after them.
func (a *App) fitHelp(width int, keys []key.Binding, way key.Binding) string {
	if whole := a.help.ShortHelpView(keys); lipgloss.Width(whole) <= width {
		return whole
	}
	tail := " " + a.k.styles.HelpDesc.Render("…") + " " + a.help.ShortHelpView([]key.Binding{way})
	fit := keys[:0:0]
	for _, b := range keys {
		if b.Help() == way.Help() || lipgloss.Width(a.help.ShortHelpView(append(slices.Clone(fit), b)))+lipgloss.Width(tail) > width {
			break
		}
		fit = append(fit, b)
	}
	return a.help.ShortHelpView(fit) + tail
}

// helpMemo is the last help line drawn and what it was drawn from. The line
// is drawn after every message, from keys that seldom change, and drawing
// it (lipgloss styling each key) was the largest part of a frame of the
// form. The styles are kept as a pointer, not its address in the key: a
// theme change makes new ones, and a pointer kept here cannot be reused
// for them, where a bare address could.
type helpMemo struct {
	styles    *themes.Styles
	key, line string
}

// helpMemoKey is the rest of what the help line's look depends on: the
// width and each key's words.
func helpMemoKey(width int, keys []key.Binding, way key.Binding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\x00%s\x01%s", width, way.Help().Key, way.Help().Desc)
	for _, k := range keys {
		b.WriteString("\x00" + k.Help().Key + "\x01" + k.Help().Desc)
	}
	return b.String()
}

// tooSmall says the window is too small, wrapped to fit the window itself.
func tooSmall(s *themes.Styles, w, h int) string {
	text := fmt.Sprintf("authplay needs at least %d×%d; this window is %d×%d. Make it larger.", minWidth, minHeight, w, h)
	lines := strings.Split(s.Warn.Width(max(1, w)).Render(text), "\n")
	return strings.Join(lines[:min(len(lines), max(1, h))], "\n")
}

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
