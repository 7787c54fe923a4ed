package session

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
)

// gstack is one goroutine of a runtime.Stack(all) dump.
type gstack struct {
	id      uint64
	reason  string   // the runtime's wait reason: "chan receive", "sync.Mutex.Lock", "running", ...
	funcs   []string // function names, innermost first: "sync.(*Mutex).Lock"
	creator string   // the function of the "created by" line
	token   uint64   // the tracker's label, 0 for none
	cell    int      // the cell whose code started it, directly or not, from the cell label; 0 for none
	cellTag string   // the cell label: "session/cell"
}

// allStacks returns the stacks of every goroutine, or nil when they do not
// fit in max bytes.
func allStacks(max int) []byte {
	for size := 64 << 10; size <= max; size *= 4 {
		buf := make([]byte, size)
		if n := runtime.Stack(buf, true); n < size {
			return buf[:n]
		}
	}
	return nil
}

// parseStacks reads a runtime.Stack dump.
func parseStacks(dump []byte) []gstack {
	var out []gstack
	for _, block := range bytes.Split(dump, []byte("\n\n")) {
		lines := strings.Split(strings.TrimSpace(string(block)), "\n")
		head, ok := strings.CutPrefix(lines[0], "goroutine ")
		if !ok {
			continue
		}
		idText, rest, _ := strings.Cut(head, " ")
		id, err := strconv.ParseUint(idText, 10, 64)
		if err != nil {
			continue
		}
		g := gstack{id: id}
		g.reason, g.token, g.cellTag = parseHeader(rest)
		if _, n, ok := strings.Cut(g.cellTag, "/"); ok {
			g.cell, _ = strconv.Atoi(n)
		}
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "...") {
				continue
			}
			if c, ok := strings.CutPrefix(l, "created by "); ok {
				g.creator, _, _ = strings.Cut(c, " in goroutine ")
				continue
			}
			if i := strings.LastIndexByte(l, '('); i > 0 {
				l = l[:i]
			}
			g.funcs = append(g.funcs, l)
		}
		out = append(out, g)
	}
	return out
}

// The packages whose frames tell what a goroutine is.
const (
	yaegiInterp   = "github.com/traefik/yaegi/interp."
	evalFunc      = "github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext"
	workerPkg     = "github.com/gopherlab/gopherlab/kernel/worker."
	workerStdin   = "github.com/gopherlab/gopherlab/kernel/worker.(*stdin)"
	sessionSleep  = "github.com/gopherlab/gopherlab/kernel/session.(*Session).sleep"
	sessionExit   = "github.com/gopherlab/gopherlab/kernel/session.(*Session).exit"
	sessionWatch  = "github.com/gopherlab/gopherlab/kernel/session.(*Session).watch"
	cellSelect    = "github.com/gopherlab/gopherlab/kernel/cell.selectCases"
	osSignal      = "os/signal."
	testingPkg    = "testing."
	runtimePrefix = "runtime."
)

// infrastructure reports whether g belongs to the worker rather than to the
// cells: the worker's request loop and the goroutine waiting for the cell,
// signal handling, this package's watcher, a test's goroutines.
func (g *gstack) infrastructure() bool {
	for _, f := range g.funcs {
		switch {
		case strings.HasPrefix(f, workerStdin):
			return false // a cell reading its standard input
		case strings.HasPrefix(f, workerPkg), strings.HasPrefix(f, osSignal), strings.HasPrefix(f, testingPkg),
			f == evalFunc, f == sessionWatch:
			return true
		}
	}
	return strings.HasPrefix(g.creator, testingPkg) || strings.HasPrefix(g.creator, osSignal)
}

// isEval reports whether g is yaegi's goroutine that evaluates a cell.
func (g *gstack) isEval() bool { return g.creator == evalFunc }

// A goroutine's state, as the session tells it.
type gstate struct {
	label   string // "blocked on chan receive", "sleeping", "running", ...
	blocked bool   // blocked on channels, select or sync: only another goroutine can wake it
}

// state classifies g. Channel operations and selects count as blocked only
// in interpreted code (yaegi's channel operations, cellrt's select): compiled
// library code may be waiting for a timer the session cannot see (e.g.
// rate.Limiter.Wait). The session's time.Sleep is sleeping; a cell reading
// standard input is in I/O.
func (g *gstack) state() gstate {
	for _, f := range g.funcs {
		switch {
		case strings.HasPrefix(f, sessionSleep):
			return gstate{label: "sleeping"}
		case strings.HasPrefix(f, workerStdin):
			return gstate{label: "in I/O (reading standard input)"}
		case strings.HasPrefix(f, sessionExit):
			// Stopped for good by os.Exit: nothing can wake it, so it
			// must not keep the deadlock detector from seeing a later
			// cell's deadlock.
			return gstate{label: "stopped by os.Exit", blocked: true}
		}
	}
	switch g.reason {
	case "running", "runnable", "preempted":
		return gstate{label: "running"}
	case "sleep":
		return gstate{label: "sleeping"}
	case "IO wait":
		return gstate{label: "in I/O"}
	case "syscall":
		return gstate{label: "in a system call"}
	case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock":
		return gstate{label: "blocked on mutex (" + strings.TrimPrefix(g.reason, "sync.") + ")", blocked: true}
	case "sync.WaitGroup.Wait", "sync.Cond.Wait":
		return gstate{label: "blocked on " + strings.TrimPrefix(g.reason, "sync."), blocked: true}
	case "semacquire":
		return gstate{label: "blocked on sync", blocked: true}
	case "chan receive", "chan send", "select", "select (no cases)", "chan receive (nil chan)", "chan send (nil chan)":
		op, where := g.waitingIn()
		if where != "" {
			return gstate{label: "waiting in " + where + " (" + g.reason + ")"}
		}
		if op == "" {
			op = g.reason
		}
		if op == "select" || op == "select (no cases)" {
			return gstate{label: "blocked in " + op, blocked: true}
		}
		return gstate{label: "blocked on " + op, blocked: true}
	}
	return gstate{label: g.reason}
}

// waitingIn returns the operation a goroutine in a channel wait runs, as
// yaegi's frames tell it ("chan receive", "chan send", "select"), or, when
// compiled code outside the interpreter is waiting, its function.
func (g *gstack) waitingIn() (op, where string) {
	for _, f := range g.funcs {
		if strings.HasPrefix(f, runtimePrefix) || strings.HasPrefix(f, "reflect.") {
			continue
		}
		if strings.HasPrefix(f, cellSelect) {
			return "select", ""
		}
		if fn, ok := strings.CutPrefix(f, yaegiInterp); ok {
			name, _, _ := strings.Cut(fn, ".")
			switch name {
			case "recv", "recv2", "rangeChan":
				return "chan receive", ""
			case "send":
				return "chan send", ""
			case "_select":
				return "select", ""
			}
			return "", "" // another interpreted operation: the runtime's reason says it
		}
		return "", f
	}
	return "", ""
}

// parseHeader reads the rest of a goroutine's first line after its id:
// `[chan receive, 5 minutes labels:{"gopherlab": "12", "gopherlab-cell": "1/3"}]:`.
func parseHeader(rest string) (reason string, token uint64, cellTag string) {
	i, j := strings.IndexByte(rest, '['), strings.LastIndexByte(rest, ']')
	if i < 0 || j < i {
		return "", 0, ""
	}
	inside := rest[i+1 : j]
	if k := strings.Index(inside, " labels:{"); k >= 0 {
		labels := inside[k:]
		if _, v, ok := strings.Cut(labels, `"`+labelKey+`": "`); ok {
			v, _, _ = strings.Cut(v, `"`)
			token, _ = strconv.ParseUint(v, 10, 64)
		}
		if _, v, ok := strings.Cut(labels, `"`+cellKey+`": "`); ok {
			cellTag, _, _ = strings.Cut(v, `"`)
		}
		inside = inside[:k]
	}
	reason, _, _ = strings.Cut(inside, ", ") // drop ", 5 minutes" and ", locked to thread"
	return reason, token, cellTag
}

// startedByCell reports whether a go statement in interpreted code started
// g (not library code).
func (g *gstack) startedByCell() bool { return strings.HasPrefix(g.creator, yaegiInterp) }

// currentGoid and currentToken return the id and the tracker's label of the
// calling goroutine. They cost a runtime.Stack of it: 5-30 µs.
func currentGoid() uint64 {
	id, _ := current()
	return id
}

func currentToken() uint64 {
	_, token := current()
	return token
}

func current() (id, token uint64) {
	var buf [256]byte
	head := string(buf[:runtime.Stack(buf[:], false)])
	head, _, _ = strings.Cut(head, "\n")
	head, _ = strings.CutPrefix(head, "goroutine ")
	idText, rest, _ := strings.Cut(head, " ")
	id, _ = strconv.ParseUint(idText, 10, 64)
	_, token, _ = parseHeader(rest)
	return id, token
}

// inEval reports whether the calling goroutine is yaegi's evaluation of a
// cell, from the function its stack starts with: 1-2 µs, where
// runtime.Stack (currentToken) takes 5-30.
func inEval() bool {
	var pcs [256]uintptr
	n := runtime.Callers(0, pcs[:])
	if n < 2 || n == len(pcs) {
		return false // too deep to see where it starts
	}
	// pcs[n-1] is runtime.goexit; pcs[n-2] is in the goroutine's function
	// (Entry is the function's even when pcs[n-2] is in one inlined into it).
	f := runtime.FuncForPC(pcs[n-2])
	if f == nil {
		return false
	}
	if e := evalEntry.Load(); e != 0 {
		return f.Entry() == e
	}
	frames := runtime.CallersFrames(pcs[n-2 : n-1])
	for {
		fr, more := frames.Next()
		if !more {
			if fr.Function == evalFunc+".func1" {
				evalEntry.Store(f.Entry())
				return true
			}
			return false
		}
	}
}

// evalEntry is the entry of the function yaegi evaluates cells in, once
// inEval has seen it.
var evalEntry atomic.Uintptr

// LabelsSetting is the GODEBUG setting that makes the runtime show
// goroutine labels in stack dumps (Go 1.26). The session needs it to tell
// goroutines apart; it is process-wide, so the process sets it (the worker,
// in worker.Run; tests, in TestMain), not New.
const LabelsSetting = "tracebacklabels=1"

// checkLabels says whether the runtime shows goroutine labels in stacks.
func checkLabels() error {
	if !labelsShown() {
		return errors.New("session: the runtime does not show goroutine labels in stack dumps (set GODEBUG=" + LabelsSetting + "): goroutines cannot be tracked")
	}
	return nil
}

// labelsShown reports whether a goroutine's label shows in its stack.
func labelsShown() bool {
	shown := make(chan bool)
	go func() {
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(labelKey, "1")))
		_, token := current()
		shown <- token == 1
	}()
	return <-shown
}
