package session

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"weak"

	"github.com/traefik/yaegi/interp"
)

// tracker knows the goroutines that the cells' go statements started (see
// pass goPanic of kernel/cell): where they were started and which cell they
// belong to. It also keeps the timer horizon: the latest time a timer a cell
// made could still fire.
//
// A tracked goroutine carries its token as a goroutine label (runtime/pprof)
// named "gopherlab", which the runtime shows in stack dumps (see
// showLabels): that is how a dump's goroutines, and the goroutine that
// writes output, are matched with the tracker's. Setting a label costs
// about 0.3 µs; getting the goroutine id from runtime.Stack at the start of
// every goroutine cost 10-30 µs. Goroutines that library code starts from a
// tracked goroutine inherit its label.
type tracker struct {
	mu      sync.Mutex
	next    uint64
	byToken map[uint64]*tracked
	perCell map[int]int // alive goroutines by cell
	// orphans are goroutines whose go statement may never have run: the
	// cell was stopped between spawn and go (see orphan). One that
	// starts after all goes back to byToken.
	orphans map[uint64]*tracked
	running int       // the running cell's execution count, 0 when idle
	last    int       // the last cell that ran
	horizon time.Time // no timer a cell made fires after this
	created uint64    // goroutines the process had created when the running cell began
	id      uint64    // this tracker's number in the process, for the cell label
	tickers []weak.Pointer[time.Ticker]
	signals bool // a cell asked for OS signals: one may come at any time

	// others counts the alive goroutines of cells other than the running
	// one (all of them when idle): when it is 0, output needs no routing.
	others atomic.Int64

	// made counts the goroutines the session knows it started since the
	// running cell began: its go statements (spawn), the interpreter's
	// evaluations and the deadlock watcher. When the process created no
	// more than these, compiled code started none for the cell.
	made atomic.Uint64
}

// goroutinesCreated is how many goroutines the process has created.
func goroutinesCreated() uint64 {
	sample := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return math.MaxUint64 // unknown: never take the fast path
	}
	return sample[0].Value.Uint64()
}

// tracked is one goroutine a cell started.
type tracked struct {
	token uint64
	where string // its go statement: "cell 3, line 4"
	cell  int    // the cell it belongs to: the one that ran when it started, or its parent's
	// started says that the goroutine runs: its go statement ran (see start).
	started bool
	spawned time.Time
}

// labelKey is the name of the goroutine label that holds a tracked
// goroutine's token.
const labelKey = "gopherlab"

// cellKey is the name of the goroutine label that holds the cell a
// goroutine belongs to. The goroutine that evaluates a cell carries it, and
// so does every tracked goroutine; the goroutines they start without a go
// statement of their own (sync.WaitGroup.Go, errgroup.Group.Go, net/http's
// connections: compiled code) inherit it, which is how the session finds
// them (untracked). time.AfterFunc's callbacks are given it.
const cellKey = "gopherlab-cell"

// cellLabels returns the labels of a goroutine of cell n of the session
// whose tracker is t.
func (t *tracker) cellLabels(n int) context.Context {
	return pprof.WithLabels(context.Background(), pprof.Labels(cellKey, t.cellTag(n)))
}

// cellTag is the value of the cell label of cell n: "session/cell", so that
// the sessions of one process (in tests) keep their goroutines apart.
func (t *tracker) cellTag(n int) string { return t.sessionTag() + strconv.Itoa(n) }

// sessionTag is what the cell labels of this session start with: "session/".
func (t *tracker) sessionTag() string { return strconv.FormatUint(t.id, 10) + "/" }

// trackers numbers the trackers of the process.
var trackers atomic.Uint64

func newTracker() *tracker {
	return &tracker{byToken: map[uint64]*tracked{}, perCell: map[int]int{}, orphans: map[uint64]*tracked{}, id: trackers.Add(1)}
}

// symbols returns the cellrt hooks that feed the tracker.
func (t *tracker) symbols() interp.Exports {
	return interp.Exports{
		"gopherlab/cellrt/cellrt": {
			"Spawn": reflect.ValueOf(t.spawn),
			"Enter": reflect.ValueOf(t.enter),
			"Done":  reflect.ValueOf(t.done),
		},
	}
}

// spawn runs in the parent, right before a go statement.
func (t *tracker) spawn(where string) uint64 {
	var parent uint64
	if t.others.Load() > 0 && !inEval() {
		parent = currentToken() // may be a goroutine of an earlier cell
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cell := t.running
	if cell == 0 {
		cell = t.last
	}
	if p := t.byToken[parent]; p != nil {
		cell = p.cell
	}
	t.next++
	t.made.Add(1)
	g := &tracked{token: t.next, where: where, cell: cell, spawned: time.Now()}
	t.byToken[g.token] = g
	t.perCell[cell]++
	t.countOthersLocked()
	return g.token
}

// start is the first thing a tracked goroutine does: cellrt.Guard, or
// enter for a go statement the front end does not guard. The go statement
// ran: an orphan (see orphan) is tracked again.
func (t *tracker) start(token uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.startLocked(token)
}

func (t *tracker) startLocked(token uint64) *tracked {
	if g := t.orphans[token]; g != nil {
		delete(t.orphans, token)
		t.byToken[token] = g
		t.perCell[g.cell]++
		t.countOthersLocked()
	}
	g := t.byToken[token]
	if g != nil {
		g.started = true
	}
	return g
}

// orphan sets aside the goroutines that were spawned and have not
// started. It is called when the interpreter has stopped a cell: a go
// statement it stopped before, right after its spawn, never runs, and
// the goroutine would otherwise stay listed, forever "starting or
// ending". One whose go statement did run starts later, and start tracks
// it again.
func (t *tracker) orphan() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.orphanLocked(time.Time{})
}

// orphanAfter: a goroutine spawned this long ago that has not started is
// an orphan (see alive). The interpreter's evaluation of a stopped cell
// can run one more step after orphan, a spawn without its go statement.
const orphanAfter = 5 * time.Second

// orphanLocked sets aside the goroutines spawned before since that have
// not started (all of them for the zero time).
func (t *tracker) orphanLocked(since time.Time) {
	for token, g := range t.byToken {
		if g.started || !since.IsZero() && g.spawned.After(since) {
			continue
		}
		delete(t.byToken, token)
		if t.perCell[g.cell]--; t.perCell[g.cell] == 0 {
			delete(t.perCell, g.cell)
		}
		t.orphans[token] = g
	}
	t.countOthersLocked()
}

// enter is the first statement of a tracked goroutine: it labels it with
// its token and its cell.
func (t *tracker) enter(token uint64) {
	t.mu.Lock()
	cell := 0
	if g := t.startLocked(token); g != nil {
		cell = g.cell
	}
	t.mu.Unlock()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(labelKey, strconv.FormatUint(token, 10), cellKey, t.cellTag(cell))))
}

// done is the last deferred call of a tracked goroutine.
func (t *tracker) done(token uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.orphans, token)
	g := t.byToken[token]
	if g == nil {
		return
	}
	delete(t.byToken, token)
	if t.perCell[g.cell]--; t.perCell[g.cell] == 0 {
		delete(t.perCell, g.cell)
	}
	t.countOthersLocked()
}

// settle lets goroutines that are ending finish (the interpreter's
// evaluation of the cell's declarations, an earlier cell's deadlock
// watcher: each has done its work and is unwinding), so that the cell's
// runtime.NumGoroutine does not see the session's own goroutines leave
// while it runs. It yields until the count stops going down, for at most
// 2 ms.
func settle() {
	prev, still := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(2 * time.Millisecond); still < 8 && time.Now().Before(deadline); {
		runtime.Gosched()
		if cur := runtime.NumGoroutine(); cur < prev {
			prev, still = cur, 0
		} else {
			still++
		}
	}
}

func (t *tracker) countOthersLocked() {
	t.others.Store(int64(len(t.byToken) - t.perCell[t.running]))
}

// begin and end bracket a cell, in the goroutine that runs it: begin gives
// that goroutine the cell's label, which the evaluation (and whatever it
// starts) inherits, and end takes it back.
func (t *tracker) begin(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.running = n
	t.made.Store(0)
	t.created = goroutinesCreated()
	t.countOthersLocked()
	pprof.SetGoroutineLabels(t.cellLabels(n))
}

func (t *tracker) end() {
	pprof.SetGoroutineLabels(context.Background())
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last, t.running = t.running, 0
	t.countOthersLocked()
}

// cell returns the running cell, or the last one when idle.
func (t *tracker) cell() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running != 0 {
		return t.running
	}
	return t.last
}

// untracked returns the goroutines of cell n (of every cell when n is 0)
// that no go statement of a cell started: those that compiled code started
// for it, which carry its label. The tracked goroutines, the cells'
// evaluations and the worker's own are left out.
func (s *Session) untracked(n int) []gstack {
	alive := map[uint64]bool{}
	for _, g := range s.track.alive(0) {
		alive[g.token] = true
	}
	mine := s.track.sessionTag()
	var out []gstack
	for _, g := range parseStacks(allStacks(64 << 20)) {
		switch {
		case !strings.HasPrefix(g.cellTag, mine) || n != 0 && g.cell != n:
		case g.isEval() || g.infrastructure():
		case g.token != 0 && alive[g.token] && g.startedByCell(): // tracked
		default:
			out = append(out, g)
		}
	}
	return out
}

// startedBy names the function that started an untracked goroutine, short:
// "sync.(*WaitGroup).Go", "errgroup.(*Group).Go", "time.AfterFunc".
func (g *gstack) startedBy() string {
	switch {
	case g.creator == "time.goFunc":
		return "time.AfterFunc"
	case g.startedByCell():
		return "a go statement"
	}
	c := g.creator
	if i := strings.LastIndexByte(c, '/'); i >= 0 {
		c = c[i+1:]
	}
	return c
}

// cellOf returns the cell of the calling goroutine when it is a tracked
// goroutine of a cell other than the running one, else 0. It costs nothing
// while no such goroutine is alive.
func (t *tracker) cellOf() int {
	if t.others.Load() == 0 || inEval() {
		return 0
	}
	token := currentToken()
	t.mu.Lock()
	defer t.mu.Unlock()
	if g := t.byToken[token]; g != nil && g.cell != t.running {
		return g.cell
	}
	return 0
}

// alive returns the tracked goroutines, oldest first; of cell n only when n > 0.
func (t *tracker) alive(n int) []tracked {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.orphanLocked(time.Now().Add(-orphanAfter))
	var out []tracked
	for _, g := range t.byToken {
		if n == 0 || g.cell == n {
			out = append(out, *g)
		}
	}
	slices.SortFunc(out, func(a, b tracked) int { return int(a.token - b.token) })
	return out
}

// until records that a timer may fire at when.
func (t *tracker) until(when time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if when.After(t.horizon) {
		t.horizon = when
	}
}

// ticker records a ticker: it may fire as long as it is reachable.
func (t *tracker) ticker(tk *time.Ticker) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tickers = slices.DeleteFunc(t.tickers, func(p weak.Pointer[time.Ticker]) bool { return p.Value() == nil })
	t.tickers = append(t.tickers, weak.Make(tk))
}

// timersPending reports whether a timer or ticker a cell made may still fire.
func (t *tracker) timersPending(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.signals || now.Before(t.horizon) {
		return true
	}
	for _, p := range t.tickers {
		if p.Value() != nil {
			return true
		}
	}
	return false
}

// hasTickers reports whether tickers may still be reachable.
func (t *tracker) hasTickers() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.tickers) > 0
}

// timerOverrides replaces the functions of time and context that make
// timers, so that the tracker knows when the last one can fire: until then,
// blocked goroutines may still be woken and are not a deadlock. Once a cell
// asks for OS signals (signal.Notify), a signal may wake one at any time:
// the session no longer reports deadlocks.
func (s *Session) timerOverrides() interp.Exports {
	t := s.track
	in := func(d time.Duration) { t.until(time.Now().Add(d)) }
	wantSignals := func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.signals = true
	}
	return interp.Exports{
		"os/signal/signal": {
			"Notify": reflect.ValueOf(func(c chan<- os.Signal, sig ...os.Signal) { wantSignals(); signal.Notify(c, sig...) }),
			"NotifyContext": reflect.ValueOf(func(p context.Context, sig ...os.Signal) (context.Context, context.CancelFunc) {
				wantSignals()
				return signal.NotifyContext(p, sig...)
			}),
		},
		"time/time": {
			"After":    reflect.ValueOf(func(d time.Duration) <-chan time.Time { in(d); return time.After(d) }),
			"NewTimer": reflect.ValueOf(func(d time.Duration) *time.Timer { in(d); return time.NewTimer(d) }),
			"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
				in(d)
				labels := t.cellLabels(t.cell()) // the callback's goroutine belongs to this cell
				return time.AfterFunc(d, func() { pprof.SetGoroutineLabels(labels); f() })
			}),
			"NewTicker": reflect.ValueOf(func(d time.Duration) *time.Ticker { tk := time.NewTicker(d); t.ticker(tk); return tk }),
			"Tick": reflect.ValueOf(func(d time.Duration) <-chan time.Time {
				if d <= 0 {
					return nil
				}
				tk := time.NewTicker(d) // its channel keeps it reachable
				t.ticker(tk)
				return tk.C
			}),
		},
		"context/context": {
			"WithTimeout": reflect.ValueOf(func(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
				in(d)
				return context.WithTimeout(p, d)
			}),
			"WithTimeoutCause": reflect.ValueOf(func(p context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
				in(d)
				return context.WithTimeoutCause(p, d, cause)
			}),
			"WithDeadline": reflect.ValueOf(func(p context.Context, when time.Time) (context.Context, context.CancelFunc) {
				t.until(when)
				return context.WithDeadline(p, when)
			}),
			"WithDeadlineCause": reflect.ValueOf(func(p context.Context, when time.Time, cause error) (context.Context, context.CancelFunc) {
				t.until(when)
				return context.WithDeadlineCause(p, when, cause)
			}),
		},
	}
}

// Leftover returns the line that says which goroutines cell n left behind,
// or "" when it left none. Goroutines that are just returning get up to
// 50 ms to end.
func (s *Session) Leftover(n int) string {
	var left []tracked
	var others []gstack // started for the cell by compiled code
	for deadline := time.Now().Add(50 * time.Millisecond); ; {
		left = s.track.alive(n)
		others = nil
		// When the process created no goroutine since the cell began but
		// those the session made, compiled code started none for it (a
		// trivial cell costs no stack dump); otherwise look. (Counting the
		// goroutines alive is not enough: one that ended during the cell
		// hides one that compiled code started.)
		s.track.mu.Lock()
		created := s.track.created
		s.track.mu.Unlock()
		if now := goroutinesCreated(); now < created || now-created > s.track.made.Load() {
			others = s.untracked(n)
		}
		if len(left)+len(others) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond) // polling the goroutines' ends: nothing to wait on
	}
	var wheres []string
	count := map[string]int{}
	add := func(where string) {
		if count[where] == 0 {
			wheres = append(wheres, where)
		}
		count[where]++
	}
	for _, g := range left {
		add(g.where)
	}
	for _, g := range others {
		add(fmt.Sprintf("cell %d by %s", n, g.startedBy()))
	}
	total := len(left) + len(others)
	noun := "goroutines"
	if total == 1 {
		noun = "goroutine"
	}
	if len(wheres) == 1 {
		return fmt.Sprintf("%d %s still running, started in %s", total, noun, wheres[0])
	}
	parts := make([]string, len(wheres))
	for i, w := range wheres {
		parts[i] = fmt.Sprintf("%s (%d)", w, count[w])
	}
	return fmt.Sprintf("%d %s still running, started in %s and %s", total, noun, strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}

// Goroutine is a goroutine that a cell started, for %goroutines.
type Goroutine struct {
	ID      uint64 // the runtime's goroutine id; 0 before it runs
	Cell    int    // the cell it belongs to
	Started string // its go statement: "cell 3, line 4"
	State   string // "running", "blocked on chan receive", "sleeping", ...
}

// Goroutines lists the goroutines the cells started that are still alive,
// oldest first. yaegi's stacks have no cell lines, so a goroutine's
// blocking point is its state, not a line.
func (s *Session) Goroutines() []Goroutine {
	// Tokens are numbered per session: only this session's goroutines
	// (by their cell label) may answer for one. (A process with several
	// sessions, as in the tests, has several goroutines of token 17.)
	mine := s.track.sessionTag()
	byToken := map[uint64]gstack{}
	for _, g := range parseStacks(allStacks(64 << 20)) {
		if g.token != 0 && g.startedByCell() && strings.HasPrefix(g.cellTag, mine) {
			byToken[g.token] = g
		}
	}
	var out []Goroutine
	for _, tr := range s.track.alive(0) {
		g, ok := byToken[tr.token]
		st := "starting or ending"
		if ok {
			st = g.state().label
		}
		out = append(out, Goroutine{ID: g.id, Cell: tr.cell, Started: tr.where, State: st})
	}
	for _, g := range s.untracked(0) {
		out = append(out, Goroutine{ID: g.id, Cell: g.cell, Started: fmt.Sprintf("cell %d, by %s", g.cell, g.startedBy()), State: g.state().label})
	}
	slices.SortStableFunc(out, func(a, b Goroutine) int { return a.Cell - b.Cell })
	return out
}

// deadlockMsg is what go run says.
const deadlockMsg = "all goroutines are asleep - deadlock!"

// Watch timing: how often the watcher looks, and how long after a first
// sighting it looks again before it reports.
const (
	watchEvery   = 250 * time.Millisecond
	watchConfirm = 350 * time.Millisecond
)

// watch looks for a deadlock while cell n runs, until ctx ends: the cell's
// goroutine blocked, and every goroutine of the worker that is not its own
// machinery blocked on channels, select or sync, with no timer left that
// could fire. Seen twice watchConfirm apart, unchanged, it ends the cell
// with the deadlock as its error.
func (s *Session) watch(ctx context.Context, n int) {
	var seen []gsnap // a deadlock seen once
	wait := watchEvery
	lastCPU := cpuTime()
	collected := false
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cpu := cpuTime()
		busy := cpu-lastCPU > wait/5 // a deadlocked process does not compute
		lastCPU = cpu
		var found []gsnap
		cost := time.Duration(0)
		if !busy {
			if !collected && s.track.hasTickers() && s.track.timersPending(time.Now()) {
				runtime.GC() // let unreachable tickers go (once per cell)
				collected = true
			}
			if !s.track.timersPending(time.Now()) {
				t0 := time.Now()
				found = s.deadlocked(n)
				cost = time.Since(t0)
			}
		}
		switch {
		case found == nil:
			seen, wait = nil, watchEvery
		case seen != nil && slices.Equal(seen, found):
			s.reportDeadlock(n, found)
			return
		default:
			seen, wait = found, watchConfirm
		}
		wait = max(wait, 20*cost) // a huge dump is costly: look less often
		t.Reset(wait)
	}
}

// gsnap is one goroutine in a deadlock.
type gsnap struct {
	id    uint64
	state string
	desc  string // "the cell (cell 7)", "started at cell 7, line 3", "in net/http.(*conn).serve"
}

// deadlocked returns the goroutines of a deadlock, or nil when there is none.
func (s *Session) deadlocked(n int) []gsnap {
	dump := allStacks(64 << 20)
	if dump == nil {
		return nil
	}
	self := currentGoid()
	stacks := parseStacks(dump)
	// The running cell's evaluation carries the cell's label (a goroutine
	// inherits its creator's). Goroutine ids do not tell the newest: each
	// processor hands them out from a batch of its own.
	var cellG uint64
	tag := s.track.cellTag(n)
	for _, g := range stacks {
		if g.isEval() && g.cellTag == tag && g.id > cellG {
			cellG = g.id
		}
	}
	if cellG == 0 {
		return nil
	}
	byToken := map[uint64]tracked{}
	for _, g := range s.track.alive(0) {
		byToken[g.token] = g
	}
	var out []gsnap
	for _, g := range stacks {
		if g.id == self || g.infrastructure() {
			continue
		}
		st := g.state()
		if !st.blocked {
			return nil
		}
		if g.isEval() && g.id != cellG {
			continue // an earlier cell's evaluation, left blocked for good
		}
		snap := gsnap{id: g.id, state: st.label}
		tr, tracked := byToken[g.token]
		switch {
		case tracked && g.startedByCell():
			snap.desc = "started at " + tr.where + s.goBlockedAt(g, tr.where)
		case tracked:
			snap.desc = "in " + firstFunc(g.funcs) + ", from the goroutine started at " + tr.where
		case g.id == cellG:
			snap.desc = "the cell" + blockedAt(g.funcs, s.fe.CellBody(n), true)
		default:
			snap.desc = "not started by a cell: in " + firstFunc(g.funcs)
		}
		out = append(out, snap)
	}
	return out
}

// goBlockedAt is blockedAt for a goroutine started by the go statement at
// where ("cell 3, line 4"), when it runs a function literal.
func (s *Session) goBlockedAt(g gstack, where string) string {
	var c, l int
	if _, err := fmt.Sscanf(where, "cell %d, line %d", &c, &l); err != nil {
		return ""
	}
	return blockedAt(g.funcs, s.fe.GoFunc(c, l), false)
}

// firstFunc returns the innermost function outside the runtime.
func firstFunc(funcs []string) string {
	for _, f := range funcs {
		if !strings.HasPrefix(f, runtimePrefix) {
			return f
		}
	}
	return "the runtime"
}

func (s *Session) reportDeadlock(n int, gs []gsnap) {
	slices.SortFunc(gs, func(a, b gsnap) int {
		if aCell, bCell := strings.HasPrefix(a.desc, "the cell"), strings.HasPrefix(b.desc, "the cell"); aCell != bCell {
			if aCell {
				return -1
			}
			return 1
		}
		return int(a.id - b.id)
	})
	tb := []string{"fatal error: " + deadlockMsg, ""}
	for _, g := range gs {
		desc := g.desc
		if rest, ok := strings.CutPrefix(desc, "the cell"); ok {
			desc = fmt.Sprintf("the cell (cell %d)%s", n, rest)
		}
		tb = append(tb, fmt.Sprintf("goroutine %d [%s]: %s", g.id, g.state, desc))
	}
	tb = append(tb, "", "The cell was stopped; the session's state is kept. Goroutines blocked on a mutex or WaitGroup stay blocked.")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running && s.deadlock == nil {
		s.deadlock = &Error{Name: "fatal error", Value: deadlockMsg, Traceback: tb}
		s.cancelCell()
	}
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Stopped reports whether no goroutine is still evaluating a cell, leaving
// out the evaluations that a deadlock or a goroutine's panic ended while
// they were blocked for good on a mutex or WaitGroup.
func (s *Session) Stopped() bool { return len(s.evaluations()) == 0 }

// evaluations returns the goroutines that evaluate this session's cells
// (they carry its label), leaving out those it abandoned.
func (s *Session) evaluations() []gstack {
	s.mu.Lock()
	abandoned := s.abandoned
	s.mu.Unlock()
	mine := s.track.sessionTag()
	var out []gstack
	for _, g := range parseStacks(allStacks(64 << 20)) {
		if g.isEval() && strings.HasPrefix(g.cellTag, mine) && !abandoned[g.id] {
			out = append(out, g)
		}
	}
	return out
}

// AbandonBlocked is for a cell that was interrupted and whose evaluation
// does not return: when every such evaluation is parked (on a mutex, a
// RWMutex, a Cond, a semaphore, a channel operation inside compiled code,
// which no cancellation reaches), it leaves them so for good, the session
// goes on, and lost says what was given up, one line each. ok is false when
// one is running (compiled code that computes): the worker must restart.
func (s *Session) AbandonBlocked() (lost []string, ok bool) {
	var stuck []gstack
	for _, g := range s.evaluations() {
		if g.reason == "running" || g.reason == "runnable" {
			return nil, false
		}
		stuck = append(stuck, g)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.abandoned == nil {
		s.abandoned = map[uint64]bool{}
	}
	for _, g := range stuck {
		s.abandoned[g.id] = true
		lost = append(lost, fmt.Sprintf("The cell's goroutine %d stays %s in %s: compiled code cannot be interrupted. "+
			"It runs no more of the cell, but what it waits for is lost: a lock it gets later stays locked, a value it receives later is gone.",
			g.id, g.state().label, firstFunc(g.funcs)))
	}
	return lost, true
}

// abandonBlocked waits up to 100 ms for the evaluations of a cell that the
// session ended (a deadlock, a goroutine's panic) to return, and notes those
// that do not: they are blocked for good on a mutex or WaitGroup, which no
// cancellation reaches.
func (s *Session) abandonBlocked() {
	deadline := time.Now().Add(100 * time.Millisecond)
	for {
		left := s.evaluations()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.abandoned == nil {
				s.abandoned = map[uint64]bool{}
			}
			for _, g := range left {
				s.abandoned[g.id] = true
			}
			return
		}
		time.Sleep(5 * time.Millisecond) // polling: yaegi gives no signal when it returns
	}
}

// unwinding reports whether a goroutine labelled with the cell's tag is
// running the deferred calls of a panic (runtime.gopanic is on its stack,
// printed as "panic(...)" from runtime/panic.go).
func unwinding(tag string) bool {
	buf := make([]byte, 1<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	for _, g := range strings.Split(dump, "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, `"gopherlab-cell": "`+tag+`"`) && strings.Contains(g, "\npanic(") && strings.Contains(g, "/runtime/panic.go:") {
			return true
		}
	}
	return false
}
