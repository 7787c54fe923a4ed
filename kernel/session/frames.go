package session

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// frameWriter is the interpreter's standard error. yaegi writes a line per
// interpreted frame when a panic passes through ("4:2: panic: main.f(...)"),
// from the goroutine that panics, innermost frame first, in the coordinates
// of the code the front end generated. frameWriter keeps them, with the Go
// stack at that moment, for the panic's traceback (take), so that a panic
// is one error output with its location inside, as ipykernel shows it.
// Other lines pass through as they are.
//
// yaegi gives each frame the position of the function's first statement,
// not of the statement that panicked or made the call. The Go stack tells
// what kind of operation started the panic and how each frame called the
// next; the front end knows where such operations stand in the function
// (cell.Func.Lines). One line that fits is the line; several are named as
// "line 3 or 7"; none, or a function the front end cannot name for sure,
// leaves the frame without a line rather than with a wrong one.
type frameWriter struct {
	w  io.Writer
	fe *cell.Session

	mu     sync.Mutex
	buf    []byte
	frames []rawFrame // the frames of the panics that passed through since the last take
}

// rawFrame is one frame line of yaegi's, with the Go stack of the moment.
type rawFrame struct {
	g         uint64 // the goroutine
	fn        string // "f", "M", "f.func", "" for the evaluation itself
	line, col int    // yaegi's position, in the unit that declared fn
	stack     []string
}

var frameLine = regexp.MustCompile(`^(\d+):(\d+): panic: main\.?([\w.]*)\(\.\.\.\)$`)

// maxFrames bounds the frames kept: a runaway recursion passes many.
const maxFrames = 50

func (f *frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.buf[:i]
		m := frameLine.FindSubmatch(line)
		if m == nil {
			if _, err := f.w.Write(append(append([]byte(nil), line...), '\n')); err != nil {
				f.buf = f.buf[i+1:]
				return len(p), err
			}
		} else {
			g, stack := goid(), callers()
			if c, ok := parseChain(stack); ok && c.depth == 1 {
				// A new panic of this goroutine: the frames of its earlier
				// ones were recovered.
				f.frames = slices.DeleteFunc(f.frames, func(fr rawFrame) bool { return fr.g == g })
			}
			if len(f.frames) < maxFrames {
				l, _ := strconv.Atoi(string(m[1]))
				c, _ := strconv.Atoi(string(m[2]))
				f.frames = append(f.frames, rawFrame{g: g, fn: string(m[3]), line: l, col: c, stack: stack})
			}
		}
		f.buf = f.buf[i+1:]
	}
}

// take returns the frames kept since the last call, in the order written.
func (f *frameWriter) take() []rawFrame {
	f.mu.Lock()
	defer f.mu.Unlock()
	frames := f.frames
	f.frames = nil
	return frames
}

// takeGoroutine returns and removes the frames goroutine g wrote.
func (f *frameWriter) takeGoroutine(g uint64) []rawFrame {
	f.mu.Lock()
	defer f.mu.Unlock()
	var mine, rest []rawFrame
	for _, fr := range f.frames {
		if fr.g == g {
			mine = append(mine, fr)
		} else {
			rest = append(rest, fr)
		}
	}
	f.frames = rest
	return mine
}

// goid returns the current goroutine's id.
func goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	head, _ := strings.CutPrefix(string(buf[:n]), "goroutine ")
	id, _, _ := strings.Cut(head, " ")
	g, _ := strconv.ParseUint(id, 10, 64)
	return g
}

// callers returns the function names of the current Go stack, innermost first.
func callers() []string {
	pcs := make([]uintptr, 512)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		fr, more := frames.Next()
		out = append(out, fr.Function)
		if !more {
			return out
		}
	}
}

// The Go functions that tell how a panic started and how a frame was called.
const (
	yRunCfg     = yaegiInterp + "runCfg"
	yDeferLoop  = yaegiInterp + "runCfg.func1" // runs a frame's deferred calls, prints the frame
	yPanic      = yaegiInterp + "_panic."
	yCallBin    = yaegiInterp + "callBin."
	goPanicking = "runtime.gopanic"
	reflectCall = "reflect.Value.call"
)

// chain is what a Go stack says about a panic: how it started (origin,
// the Go frames between the panic and the innermost interpreted frame) and
// how each interpreted frame was called by the next (segs[i], between frame
// i and frame i+1).
type chain struct {
	depth  int // the frames the panic has passed through when the stack was taken
	origin []string
	segs   [][]string
}

// parseChain reads a stack taken inside yaegi's deferred function of a
// frame (a frame line being written). ok is false when the stack has a
// shape it does not know (a panic inside a deferred call, say).
func parseChain(stack []string) (c chain, ok bool) {
	i := 0
	// The writer's own frames, up to the first deferred function.
	for i < len(stack) && stack[i] != yDeferLoop {
		i++
	}
	return chainFrom(stack[i:])
}

// chainFrom reads a stack that starts with yaegi's deferred function of
// the frame the panic is passing through.
func chainFrom(stack []string) (c chain, ok bool) {
	i := 0
	for i+1 < len(stack) && stack[i] == yDeferLoop && stack[i+1] == goPanicking {
		c.depth++
		i += 2
	}
	if c.depth == 0 {
		return chain{}, false
	}
	start := i
	for i < len(stack) && stack[i] != yRunCfg {
		if stack[i] == yDeferLoop || stack[i] == goPanicking {
			return chain{}, false
		}
		i++
	}
	if i == len(stack) {
		return chain{}, false
	}
	c.origin = stack[start:i]
	for i < len(stack) {
		i++ // the interpreted frame
		j := i
		for j < len(stack) && stack[j] != yRunCfg {
			j++
		}
		if j == len(stack) {
			break
		}
		c.segs = append(c.segs, stack[i:j])
		i = j
	}
	return c, true
}

// resolve turns the frames one goroutine wrote for one panic into
// traceback lines, innermost first. v is the panic value (as Go's runtime
// would give it). base, if valid, is the function the goroutine started
// with, whose own frame yaegi does not write (its deferred recover ends the
// panic); baseStack is the Go stack in that recover.
func (s *Session) resolve(frames []rawFrame, v any, base cell.Func, baseStack []string) []string {
	// The last panic of the goroutine: frames from its first frame on.
	for i := len(frames) - 1; i > 0; i-- {
		if c, ok := parseChain(frames[i].stack); !ok || c.depth == 1 {
			frames = frames[i:]
			break
		}
	}
	var out []string
	var prev cell.Func // the frame written before this one
	for k, fr := range frames {
		if fr.fn == "" {
			continue // the evaluation of the cell itself
		}
		cands := s.fe.FuncAt(fr.fn, fr.line, fr.col)
		c, ok := parseChain(fr.stack)
		ok = ok && c.depth == k+1
		// Of the functions it may be, the one whose lines fit; one alone
		// without fitting lines is still that one.
		var fn cell.Func
		var lines []int
		fits := 0
		for _, cand := range cands {
			var ls []int
			if p := c.printing(); ok && k < len(p) {
				ls = c.lines(cand, p[k], k > 0 && p[k-1] == p[k]-1, prev, v)
			}
			if len(ls) > 0 {
				fits++
				fn, lines = cand, ls
			}
		}
		switch {
		case fits > 1:
			fn, lines = cell.Func{}, nil
		case fits == 0 && len(cands) == 1:
			fn = cands[0]
		}
		if !fn.Valid() {
			out = append(out, s.unknownFrame(fr, len(cands) > 1 || s.fe.Redefined(fr.fn)))
		} else {
			out = append(out, frameText(fn, lines))
		}
		prev = fn
	}
	if base.Valid() {
		var lines []int
		if c, ok := baseChain(baseStack); ok {
			r := len(c.segs) // the goroutine's function is the outermost frame
			p := c.printing()
			lines = c.lines(base, r, len(p) > 0 && p[len(p)-1] == r-1 && len(frames) > 0, prev, v)
		}
		out = append(out, frameText(base, lines))
	}
	return out
}

// printing returns the interpreted frames of c (0 the innermost) that
// yaegi writes a line for: all but those whose deferred call panicked
// (yaegi's deferred function stops there, before writing).
func (c chain) printing() []int {
	out := []int{0}
	for i, seg := range c.segs {
		if !slices.Contains(seg, yDeferLoop) {
			out = append(out, i+1)
		}
	}
	return out
}

// lines returns the lines of fn, the interpreted frame r of c, where the
// panic started (r = 0) or the call to frame r-1 stands. calleeKnown says
// that frame r-1 is callee.
func (c chain) lines(fn cell.Func, r int, calleeKnown bool, callee cell.Func, v any) []int {
	switch {
	case r == 0:
		return fn.Lines(originQuery(c.origin, v))
	case r-1 < len(c.segs):
		if !calleeKnown {
			callee = cell.Func{}
		}
		return fn.Lines(callQuery(c.segs[r-1], callee))
	}
	return nil
}

// baseChain reads the stack taken in the recover that the front end puts
// in every goroutine's function: past the recover's own frame, yaegi's
// deferred function of the goroutine's function, then the panic.
func baseChain(stack []string) (chain, bool) {
	for i := 0; i+1 < len(stack); i++ {
		if stack[i] == yRunCfg {
			for j := i + 1; j < len(stack); j++ {
				if stack[j] == yDeferLoop {
					return chainFrom(stack[j:])
				}
			}
			break
		}
	}
	return chain{}, false
}

// unknownFrame is the line of a frame whose function the front end cannot
// name for sure: the function's name and, for a function it gave yaegi by
// that name once, its cell (yaegi's line is not the one that panicked);
// ambiguous says that several cells declared a function that fits.
func (s *Session) unknownFrame(fr rawFrame, ambiguous bool) string {
	name := fr.fn
	if name == "_gl_main" {
		name = "main" // a pasted program's main (the front end renames it)
	}
	where := ""
	if !ambiguous { // else the cell of the latest definition may be the wrong one
		where, _, _ = strings.Cut(s.fe.Frame(fr.fn, fr.line), ", line ")
	}
	switch {
	case strings.HasPrefix(name, "_gl_") && where != "":
		return "  in " + where
	case strings.HasPrefix(name, "_gl_"):
		return "  in a cell"
	case where != "":
		return "  in " + name + " (" + where + ")"
	}
	return "  in " + name
}

// frameText is one line of the traceback, for a function the front end knows.
func frameText(fn cell.Func, lines []int) string {
	var where string
	switch {
	case len(lines) == 1:
		where = fmt.Sprintf("cell %d, line %d", fn.Cell(), lines[0])
	case len(lines) > 1 && len(lines) <= 4:
		var ls []string
		for _, l := range lines {
			ls = append(ls, strconv.Itoa(l))
		}
		where = fmt.Sprintf("cell %d, line %s", fn.Cell(), strings.Join(ls[:len(ls)-1], ", ")+" or "+ls[len(ls)-1])
	default:
		where = fmt.Sprintf("cell %d", fn.Cell())
	}
	switch name := fn.Name(); {
	case name == "":
		return "  in " + where
	case name == "_gl_main":
		return "  in main (" + where + ")"
	case fn.IsLiteral():
		return fmt.Sprintf("  in the function literal of line %d (%s)", fn.Line(), where)
	default:
		return "  in " + name + " (" + where + ")"
	}
}

// originQuery says what operations could have started a panic whose Go
// frames between the panic and the interpreted frame are seg.
func originQuery(seg []string, v any) cell.SiteQuery {
	for _, f := range seg {
		if strings.HasPrefix(f, yPanic) {
			q := cell.SiteQuery{Ops: []cell.SiteOp{cell.OpPanic}}
			if str, ok := v.(string); ok {
				q.PanicString = &str
			}
			return q
		}
	}
	if host, ok := hostCall(seg); ok {
		return compiledQuery(host)
	}
	for _, f := range seg {
		if !internalFunc(f) {
			return cell.SiteQuery{} // Go code the interpreter called in a way not known here
		}
	}
	msg := fmt.Sprint(v)
	for _, k := range []struct {
		text string
		op   cell.SiteOp
	}{
		{"index out of range", cell.OpIndex},
		{"slice bounds out of range", cell.OpSlice},
		{"assignment to entry in nil map", cell.OpMapWrite},
		{"invalid memory address or nil pointer dereference", cell.OpNil},
		{"integer divide by zero", cell.OpDiv},
		{"interface conversion", cell.OpAssert},
		{"close of closed channel", cell.OpClose},
		{"close of nil channel", cell.OpClose},
		{"send on closed channel", cell.OpSend},
	} {
		if _, ok := v.(runtime.Error); ok && strings.Contains(msg, k.text) {
			return cell.SiteQuery{Ops: []cell.SiteOp{k.op}}
		}
	}
	return cell.SiteQuery{}
}

// callQuery says what calls could have called callee, when the Go frames
// between the two interpreted frames are seg.
func callQuery(seg []string, callee cell.Func) cell.SiteQuery {
	if host, ok := hostCall(seg); ok {
		return compiledQuery(host) // compiled code called back (sort.Slice, fmt calling String)
	}
	deferred := false
	for _, f := range seg {
		if f == yDeferLoop {
			deferred = true
		} else if !internalFunc(f) {
			return cell.SiteQuery{}
		}
	}
	q := cell.SiteQuery{Ops: []cell.SiteOp{cell.OpValue}, Keys: map[cell.SiteOp]string{}, Deferred: deferred}
	if !callee.Valid() { // a frame yaegi did not write: any interpreted call
		q.Ops = append(q.Ops, cell.OpCall, cell.OpIface)
		return q
	}
	if key := callee.Key(); key != "" {
		q.Ops = append(q.Ops, cell.OpCall)
		q.Keys[cell.OpCall] = key
		if _, m, ok := strings.Cut(key, "."); ok {
			q.Ops = append(q.Ops, cell.OpIface)
			q.Keys[cell.OpIface] = m
		}
	}
	return q
}

// compiledQuery: a call of the compiled function host ("sync.(*WaitGroup).Done"),
// directly, through a func value, or through an interface.
func compiledQuery(host string) cell.SiteQuery {
	path, name := splitFuncName(host)
	return cell.SiteQuery{
		Ops:  []cell.SiteOp{cell.OpCompiled, cell.OpValue, cell.OpIface},
		Keys: map[cell.SiteOp]string{cell.OpCompiled: path + "." + name, cell.OpIface: name},
	}
}

// hostCall finds, in Go frames between two interpreted frames (or between a
// panic and one), the compiled function that interpreted code called.
func hostCall(seg []string) (string, bool) {
	for i := len(seg) - 1; i >= 0; i-- {
		if strings.HasPrefix(seg[i], yCallBin) {
			for j := i - 1; j > 0; j-- {
				if seg[j] == reflectCall && !internalFunc(seg[j-1]) {
					return seg[j-1], true
				}
			}
			return "", false
		}
	}
	return "", false
}

// internalFunc: a function of the interpreter, reflect or the runtime.
func internalFunc(f string) bool {
	return strings.HasPrefix(f, yaegiInterp) || strings.HasPrefix(f, "reflect.") || strings.HasPrefix(f, "runtime.") || strings.HasPrefix(f, "internal/")
}

// splitFuncName splits a Go function name as the runtime writes it
// ("sync.(*WaitGroup).Done", "golang.org/x/sync/errgroup.(*Group).Go",
// "slices.Insert[...]") into its package path and its last name.
func splitFuncName(f string) (path, name string) {
	if i := strings.IndexByte(f, '['); i >= 0 {
		f = f[:i]
	}
	slash := strings.LastIndexByte(f, '/')
	dot := strings.IndexByte(f[slash+1:], '.')
	if dot < 0 {
		return "", f
	}
	path = f[:slash+1+dot]
	rest := f[slash+1+dot+1:]
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	return path, rest
}

// blockedAt says where a blocked goroutine waits, in the function it started
// with (base): ", blocked at line 5" when the waiting operation stands
// there at one line, ", blocked in the call at line 5" when base called
// the function that waits, "" when that is not known. funcs is the
// goroutine's stack, innermost first; cell says it is the evaluation of a
// cell (whose outermost interpreted frame is yaegi's, below the cell's).
func blockedAt(funcs []string, base cell.Func, cellEval bool) string {
	if !base.Valid() {
		return ""
	}
	var rs []int
	for i, f := range funcs {
		if f == yRunCfg {
			rs = append(rs, i)
		}
	}
	b := len(rs) - 1
	if cellEval {
		b--
	}
	if b < 0 {
		return ""
	}
	if b == 0 {
		if ls := base.Lines(blockQuery(funcs[:rs[0]])); len(ls) == 1 {
			return fmt.Sprintf(", blocked at line %d", ls[0])
		}
		return ""
	}
	if ls := base.Lines(callQuery(funcs[rs[b-1]+1:rs[b]], cell.Func{})); len(ls) == 1 {
		return fmt.Sprintf(", blocked in the call at line %d", ls[0])
	}
	return ""
}

// blockQuery says what operations could be the one a goroutine waits in,
// from its Go frames above the interpreted frame.
func blockQuery(origin []string) cell.SiteQuery {
	for _, f := range origin {
		if strings.HasPrefix(f, cellSelect) {
			return cell.SiteQuery{Ops: []cell.SiteOp{cell.OpSelect}}
		}
		if fn, ok := strings.CutPrefix(f, yaegiInterp); ok {
			name, _, _ := strings.Cut(fn, ".")
			switch name {
			case "recv", "recv2", "rangeChan":
				return cell.SiteQuery{Ops: []cell.SiteOp{cell.OpRecv}}
			case "send":
				return cell.SiteQuery{Ops: []cell.SiteOp{cell.OpSend}}
			case "_select":
				return cell.SiteQuery{Ops: []cell.SiteOp{cell.OpSelect}}
			}
		}
	}
	if host, ok := hostCall(origin); ok {
		return compiledQuery(host)
	}
	return cell.SiteQuery{}
}
