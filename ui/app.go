package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
	"github.com/authplay/authplay/themes"
)

// Screen is what every screen of the program satisfies.
type Screen interface {
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	Keys() []key.Binding
	// Typing reports whether a text field has focus, so single-letter
	// global keys stay out of the way.
	Typing() bool
}

type screenID int

const (
	screenPicker screenID = iota
	screenForm
	screenRun
	screenInspect
	screenEndpoint
	screenStart
	screenNewProfile
	screenGuide
)

func (s screenID) String() string {
	return [...]string{"pick a flow", "parameters", "running", "token", "endpoint verification", "start", "new profile", "registration guide"}[s]
}

const (
	minWidth  = 80
	minHeight = 24
)

// App is the root model.
type App struct {
	c        *common
	keys     globalKeys
	active   screenID
	screen   Screen
	method   flows.Method
	showHelp bool
	flash    string
	flashID  int
	isDark   bool
}

// New builds the program's root model.
func New(deps Deps) *App {
	if deps.Theme == "" {
		deps.Theme = themes.Default()
	}
	a := &App{c: &common{styles: themes.New(deps.Theme, true), deps: &deps, width: minWidth, height: minHeight}, keys: newGlobalKeys(), isDark: true}
	switch {
	case deps.Flow != "":
		a.method = deps.Flow
		a.active, a.screen = screenForm, newForm(a.c, deps.Flow)
	case len(deps.Profiles) > 0:
		a.active, a.screen = screenStart, newStart(a.c)
	default:
		a.active, a.screen = screenPicker, newPicker(a.c)
	}
	return a
}

// Init asks the terminal for its background, to pick light or dark styles.
func (a *App) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, tick())
}

func (a *App) goTo(id screenID, s Screen) tea.Cmd {
	a.active, a.screen = id, s
	switch s := s.(type) {
	case *runScreen:
		return s.start()
	case *inspect:
		return s.loadChecks()
	case *endpointScreen:
		return s.start()
	}
	return nil
}

// Update routes messages: sizes and colours to all, domain results to the
// root, global keys, then the active screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.c.width, a.c.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		a.isDark = msg.IsDark()
		a.c.styles = themes.New(a.c.styles.Name, a.isDark)
		return a, nil
	case flowChosenMsg:
		a.method = msg.method
		return a, a.goTo(screenForm, newForm(a.c, msg.method))
	case profileChosenMsg:
		a.c.deps.Profile = msg.profile
		return a, a.goTo(screenPicker, newPicker(a.c))
	case newProfileMsg:
		return a, a.goTo(screenNewProfile, newProfileForm(a.c))
	case profileSavedMsg:
		a.c.deps.Profiles = append(a.c.deps.Profiles, msg.profile)
		return a, tea.Batch(a.goTo(screenStart, newStart(a.c)), emit(statusMsg("saved profile "+msg.profile.Name+" to "+a.c.deps.ProfilesPath)))
	case resumeMsg:
		return a, a.resume(msg.sess)
	case guideChosenMsg:
		a.method = msg.method
		return a, a.goTo(screenGuide, newGuide(a.c, msg.method))
	case endpointChosenMsg:
		a.method = ""
		return a, a.goTo(screenEndpoint, newEndpointScreen(a.c))
	case submitMsg:
		return a, a.goTo(screenRun, newRun(a.c, msg.state, msg.creds))
	case authorizedMsg:
		return a, a.goTo(screenInspect, newInspect(a.c, msg.sess, msg.creds))
	case backMsg:
		switch a.active {
		case screenForm:
			return a, a.goTo(screenPicker, newPicker(a.c))
		case screenRun, screenInspect:
			return a, a.goTo(screenForm, newForm(a.c, a.method))
		case screenEndpoint, screenGuide:
			return a, a.goTo(screenPicker, newPicker(a.c))
		case screenPicker, screenNewProfile:
			if len(a.c.deps.Profiles) > 0 {
				return a, a.goTo(screenStart, newStart(a.c))
			}
		}
		return a, nil
	case tickMsg:
		// The countdowns redraw once a second; the inspector may auto-refresh.
		var cmd tea.Cmd
		a.screen, cmd = a.screen.Update(msg)
		return a, tea.Batch(tick(), cmd)
	case flashMsg:
		if msg.id == a.flashID {
			a.flash = ""
		}
		return a, nil
	case statusMsg:
		return a, a.setFlash(string(msg))
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, a.keys.ForceQuit):
			return a, tea.Interrupt // exit status 130, as for any interrupted program
		case a.showHelp:
			a.showHelp = false
			return a, nil
		case !a.screen.Typing() && key.Matches(msg, a.keys.Quit):
			return a, tea.Quit
		case !a.screen.Typing() && key.Matches(msg, a.keys.Help):
			a.showHelp = true
			return a, nil
		case key.Matches(msg, a.keys.Theme):
			a.c.styles = themes.New(themes.Next(a.c.styles.Name), a.isDark)
			return a, a.setFlash("theme: " + a.c.styles.Name)
		}
	}
	var cmd tea.Cmd
	a.screen, cmd = a.screen.Update(msg)
	return a, cmd
}

// View draws the frame: header, rule, the screen, flash and help lines.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "authplay · " + a.active.String()
	return v
}

func (a *App) render() string {
	s := a.c.styles
	w, h := a.c.width, a.c.height
	if w < minWidth || h < minHeight {
		return tooSmall(s, w, h)
	}
	left := s.Header.Render(" authplay") + s.Subtle.Render(" · "+a.c.deps.Profile.Name)
	right := ""
	if flowScreen := a.active == screenForm || a.active == screenRun || a.active == screenInspect || a.active == screenGuide; a.method != "" && flowScreen {
		right = s.Subtle.Render(a.method.Info().Title + " ")
	}
	gap := max(1, w-lipgloss.Width(left)-lipgloss.Width(right))
	header := left + strings.Repeat(" ", gap) + right
	rule := s.Rule.Render(strings.Repeat("─", w))
	body := a.screen.View()
	if a.showHelp {
		body = a.helpView()
	}
	footer := a.helpLine()
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

// tooSmall says the window is too small, wrapped to fit the window itself.
func tooSmall(s *themes.Styles, w, h int) string {
	text := fmt.Sprintf("authplay needs at least %d×%d; this window is %d×%d. Make it larger.", minWidth, minHeight, w, h)
	lines := strings.Split(s.Warn.Width(max(1, w)).Render(text), "\n")
	return strings.Join(lines[:min(len(lines), max(1, h))], "\n")
}

func (a *App) globalBindings() []key.Binding {
	if a.screen.Typing() {
		return []key.Binding{bind("ctrl+c", "ctrl+c", "quit")}
	}
	return []key.Binding{a.keys.Help, a.keys.Quit}
}

func (a *App) helpLine() string {
	s := a.c.styles
	var parts []string
	for _, b := range append(a.screen.Keys(), a.globalBindings()...) {
		if !b.Enabled() {
			continue
		}
		parts = append(parts, s.HelpKey.Render(b.Help().Key)+" "+s.HelpDesc.Render(b.Help().Desc))
	}
	line := " " + strings.Join(parts, s.HelpDesc.Render(" · "))
	return truncate(line, a.c.width)
}

func (a *App) helpView() string {
	s := a.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("  Keys on this screen") + "\n\n")
	for _, k := range append(a.screen.Keys(), a.keys.Theme, a.keys.Help, a.keys.Quit, a.keys.ForceQuit) {
		if !k.Enabled() {
			continue
		}
		fmt.Fprintf(&b, "  %-14s %s\n", s.HelpKey.Render(k.Help().Key), s.HelpDesc.Render(k.Help().Desc))
	}
	b.WriteString("\n" + s.Subtle.Render("  q quits when no text field has focus; ctrl+c always quits. Any key closes this help."))
	return b.String()
}

func (a *App) setFlash(text string) tea.Cmd {
	a.flash = text
	a.flashID++
	id := a.flashID
	return tea.Tick(3*time.Second, func(time.Time) tea.Msg { return flashMsg{id: id} })
}

type statusMsg string

type authorizedMsg struct {
	sess  store.Session
	creds flows.Credentials // the run's, for the inspector's calls
}

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// resume reopens a session from the history: a token goes to the
// inspector, a flow that was waiting goes back to waiting (its listener
// re-opened on the same address), a failure shows its diagnosis.
func (a *App) resume(sess store.Session) tea.Cmd {
	var creds flows.Credentials // the secret was never saved: the profile's reference, or asked again
	for _, p := range a.c.deps.Profiles {
		if p.Name == sess.Profile {
			a.c.deps.Profile = p
			creds = p.Creds
		}
	}
	a.method = sess.Method
	switch sess.State.Phase {
	case flows.PhaseAuthorized:
		return a.goTo(screenInspect, newInspect(a.c, sess, creds))
	case flows.PhaseFailed:
		r := newRun(a.c, sess.State, creds)
		r.sess = sess
		if n := len(sess.Steps); n > 0 {
			r.last = &sess.Steps[n-1]
		}
		a.active, a.screen = screenRun, r
		return nil
	}
	r := newRun(a.c, sess.State, creds)
	r.sess, r.resumed = sess, true
	p := a.c.deps.Profile
	if p.Name != sess.Profile || (p.Creds.ClientSecret == "" && sess.State.Params.AuthStyle != flows.AuthNone && sess.State.Method != flows.Implicit) {
		r.askSecret() // the secret was never saved: ask for it again
		a.active, a.screen = screenRun, r
		return r.paste.Focus()
	}
	return a.goTo(screenRun, r)
}
