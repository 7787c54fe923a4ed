package session

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// gstack is one goroutine of a runtime.Stack(all) dump.
type gstack struct {
	id      uint64
	reason  string   // the runtime's wait reason: "chan receive", "sync.Mutex.Lock", "running", ...
	funcs   []string // function names, innermost first: "sync.(*Mutex).Lock"
	creator string   // the function of the "created by" line
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
		if i, j := strings.IndexByte(rest, '['), strings.LastIndexByte(rest, ']'); i >= 0 && j > i {
			g.reason, _, _ = strings.Cut(rest[i+1:j], ", ") // drop ", 5 minutes" and ", locked to thread"
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

// goid returns the id of the calling goroutine.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
