package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
)

type labKeys struct {
	Up, Down, Run, RunAll, View, Again, Stop, Yes, No, Back key.Binding
}

// labScreen is the learner's lab: the experiments of flows/lab, each run
// for real against the profile's server, one at a time, with its steps
// shown as they are taken and its verdict kept while the screen lives.
type labScreen struct {
	frame
	keys    labKeys
	params  flows.Params
	creds   flows.Credentials
	exps    []lab.Experiment
	results map[string]lab.Result
	cursor  int

	// The run under way: its experiment, the ones queued behind it, the
	// steps seen so far and where a person must sign in.
	runs     int // counts runs, so an event of a stopped run is dropped
	running  string
	queue    []string
	live     []flows.Step
	signIn   string
	started  time.Time
	cancel   context.CancelFunc
	events   <-chan tea.Msg
	stopping bool

	// asking holds the experiments waiting for the person's yes, when
	// the server is on another machine.
	asking    []string
	consented bool
	hosts     []string

	detail bool // the steps of the experiment under the cursor, whole
	// openOnRun shows the steps once the run asked for starts (after the
	// person's yes, when one is needed).
	openOnRun bool
	scroll    int
	// back is the message esc sends: the flow list, or the inspector the
	// lab was opened from.
	back tea.Msg
}

// Messages of a run, tagged with the screen and the run they belong to.
type (
	labStepMsg struct {
		owner, run int
		step       flows.Step
	}
	labSignInMsg struct {
		owner, run int
		url        string
	}
	labDoneMsg struct {
		owner, run int
		result     lab.Result
	}
)

func newLab(k *kit, id int, params flows.Params, creds flows.Credentials, back tea.Msg) *labScreen {
	return &labScreen{frame: frame{k: k, id: id}, params: params, creds: creds, exps: lab.Experiments(), results: map[string]lab.Result{}, back: back,
		hosts: lab.RemoteHosts(params.Provider), keys: labKeys{
			Up: bind("up,k", "↑/k", "up"), Down: bind("down,j", "↓/j", "down"), Run: bind("enter", "enter", "run"),
			RunAll: bind("a", "a", "run all"), View: bind("v", "v", "steps"), Again: bind("r", "r", "run again"),
			Stop: bind("s", "s", "stop"), Yes: bind("y", "y", "go on"), No: bind("n,esc", "n", "cancel"), Back: bind("esc", "esc", "back"),
		}}
}

func (l *labScreen) Title() string  { return "lab" }
func (l *labScreen) Init() tea.Cmd  { return nil }
func (l *labScreen) Counting() bool { return l.running != "" } // the elapsed time counts

func (l *labScreen) ShortHelp() []key.Binding {
	switch {
	case len(l.asking) > 0:
		return []key.Binding{l.keys.Yes, l.keys.No}
	case l.detail:
		l.keys.Up.SetHelp("↑/k", "scroll")
		l.keys.Down.SetHelp("↓/j", "scroll")
		l.keys.Back.SetHelp("esc", "list")
		l.keys.Again.SetEnabled(l.running == "")
		l.keys.Stop.SetEnabled(l.running != "")
		return []key.Binding{l.keys.Up, l.keys.Down, l.keys.Again, l.keys.Stop, l.keys.Back}
	}
	l.keys.Up.SetHelp("↑/k", "up")
	l.keys.Down.SetHelp("↓/j", "down")
	l.keys.Back.SetHelp("esc", "back")
	idle := l.running == ""
	l.keys.Run.SetEnabled(idle)
	l.keys.RunAll.SetEnabled(idle)
	l.keys.Stop.SetEnabled(!idle)
	return []key.Binding{l.keys.Up, l.keys.Down, l.keys.Run, l.keys.RunAll, l.keys.View, l.keys.Stop, l.keys.Back}
}

func (l *labScreen) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }

func (l *labScreen) current() lab.Experiment { return l.exps[l.cursor] }

func (l *labScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case labStepMsg:
		if msg.owner == l.id && msg.run == l.runs {
			l.live = append(l.live, msg.step)
			return l, l.wait()
		}
	case labSignInMsg:
		if msg.owner == l.id && msg.run == l.runs {
			l.signIn = msg.url
			return l, l.wait()
		}
	case labDoneMsg:
		if msg.owner == l.id && msg.run == l.runs {
			return l, l.finished(msg.result)
		}
	case tea.KeyPressMsg:
		return l, l.key(msg)
	}
	return l, nil
}

func (l *labScreen) key(k tea.KeyPressMsg) tea.Cmd {
	if len(l.asking) > 0 {
		ids := l.asking
		l.asking = nil
		if key.Matches(k, l.keys.Yes) {
			l.consented = true
			return l.runIDs(ids)
		}
		l.openOnRun = false
		return nil
	}
	switch {
	case key.Matches(k, l.keys.Stop) && l.running != "":
		l.queue, l.stopping = nil, true
		l.cancel()
	case key.Matches(k, l.keys.Back) && l.detail:
		l.detail, l.scroll = false, 0
	case key.Matches(k, l.keys.Back):
		if l.cancel != nil {
			l.cancel()
		}
		return emit(l.back)
	case key.Matches(k, l.keys.Up) && l.detail:
		l.scroll = max(0, l.scroll-1)
	case key.Matches(k, l.keys.Down) && l.detail:
		l.scroll++
	case key.Matches(k, l.keys.Up):
		l.cursor = (l.cursor + len(l.exps) - 1) % len(l.exps)
	case key.Matches(k, l.keys.Down):
		l.cursor = (l.cursor + 1) % len(l.exps)
	case key.Matches(k, l.keys.Again) && l.detail && l.running == "":
		l.scroll = 0
		return l.runIDs([]string{l.current().ID})
	case key.Matches(k, l.keys.View) && !l.detail:
		l.detail, l.scroll = true, 0
	case key.Matches(k, l.keys.Run) && !l.detail && l.running == "":
		l.openOnRun = true
		return l.runIDs([]string{l.current().ID})
	case key.Matches(k, l.keys.RunAll) && !l.detail && l.running == "":
		var ids []string
		for _, e := range l.exps {
			ids = append(ids, e.ID)
		}
		return l.runIDs(ids)
	}
	return nil
}

// runIDs runs the experiments one after another, once the person agreed
// to run them against a server on another machine.
func (l *labScreen) runIDs(ids []string) tea.Cmd {
	if len(l.hosts) > 0 && !l.consented {
		l.asking = ids
		return nil
	}
	for _, id := range ids {
		delete(l.results, id)
	}
	l.queue = ids[1:]
	return l.start(ids[0])
}

func (l *labScreen) start(id string) tea.Cmd {
	exp, _ := lab.Find(id)
	l.runs++
	l.running, l.live, l.signIn, l.started, l.stopping = id, nil, "", l.k.now(), false
	if l.openOnRun {
		l.detail, l.scroll, l.openOnRun = true, 0, false
	}
	for i, e := range l.exps {
		if e.ID == id && !l.detail {
			l.cursor = i // the list follows a run of all
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	events := make(chan tea.Msg, 64)
	l.events = events
	owner, run := l.id, l.runs
	env, open := l.k.deps.Env, l.k.deps.OpenBrowser
	target := lab.Target{Params: l.params, Creds: l.creds}
	// A step only shows progress: the result carries them all, so one
	// dropped when the screen is not reading costs nothing.
	target.Progress = func(s flows.Step) {
		select {
		case events <- labStepMsg{owner, run, s}:
		default:
		}
	}
	target.SignIn = func(_ context.Context, authURL string) error {
		select {
		case events <- labSignInMsg{owner, run, authURL}:
		default:
		}
		if open != nil && flows.OpenableURL(authURL) == nil {
			_ = open(authURL) // the URL is on screen for a person without a browser
		}
		return nil
	}
	runIt := func() tea.Msg {
		defer cancel()
		defer close(events)
		target.ForBuiltin(env.HTTP)
		res := exp.Run(ctx, env, target)
		res.ID = id
		return labDoneMsg{owner, run, res}
	}
	return tea.Batch(runIt, l.wait())
}

// wait reads the next event of the run under way; nil once it is over.
func (l *labScreen) wait() tea.Cmd {
	events := l.events
	return func() tea.Msg { return <-events } // nil once closed
}

func (l *labScreen) finished(r lab.Result) tea.Cmd {
	if l.stopping {
		r.Explanation = "stopped: " + r.Explanation
	}
	l.results[r.ID] = r
	l.running, l.signIn, l.cancel = "", "", nil
	if len(l.queue) == 0 {
		return nil
	}
	next := l.queue[0]
	l.queue = l.queue[1:]
	return l.start(next)
}
