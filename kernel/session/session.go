// Package session runs notebook cells: one yaegi interpreter whose state lives
// on from cell to cell, behind the cell front end.
//
// A Session is used by one goroutine at a time (the worker's), except for
// Interrupt, which may be called from anywhere.
//
// The session knows the goroutines that cells start (the front end's go
// statements call back into it): Leftover says which ones a cell left
// running, Goroutines lists them with their states, a watcher ends a cell
// whose goroutines are all blocked ("all goroutines are asleep -
// deadlock!", as go run says), and what they print after their cell ended
// is marked as theirs (Options.Mark). It reads goroutine states from
// runtime.Stack and tells goroutines apart by a label, which the runtime
// shows when the process sets GODEBUG=tracebacklabels=1 (LabelsSetting).
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"github.com/gopherlab/gopherlab/kernel/kernelerr"
	"github.com/gopherlab/gopherlab/kernel/outbuf"
	"github.com/gopherlab/gopherlab/kernel/panics"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/traefik/yaegi/interp"
)

// Options configure a Session. Stdout and Stderr are files so that a cell's
// os.Stdout and os.Stderr, and the children it starts, write to them directly.
type Options struct {
	Stdin  io.Reader
	Stdout *os.File
	Stderr *os.File
	// Raw hands cells to yaegi as they are, without the front end: for
	// measuring what the front end costs and what it fixes.
	Raw bool
	// Mark, if set, returns the bytes that say that the output after them
	// belongs to cell n (n = 0: back to the running cell). The session
	// frames with them what goroutines of earlier cells print with fmt.Print,
	// println or log (writes to os.Stdout and os.Stderr go straight to the
	// files).
	Mark func(n int) []byte
	// Buffer, if set, is memory of outbuf.Size bytes in which the session
	// gathers what the interpreter writes to standard output, so that a
	// cell that prints many lines makes few writes (kernel/outbuf). The
	// worker maps it from a file that the kernel reads after a crash.
	// Chunk returns the marker that begins each chunk written. Without
	// the front end (Raw), or from the first cell that can write to the
	// files by itself (cell.Unit.WritesStdio), output goes straight to the
	// file. Either way the session flushes at the end of each Execute and
	// before each write to standard error; FlushStdout flushes on demand.
	Buffer []byte
	Chunk  func(n uint64) []byte
}

// Session is one interpreter with its state.
type Session struct {
	in      *interp.Interpreter
	raw     bool          // no front end (Options.Raw)
	fe      *cell.Session // the front end: parse, type-check, rewrite
	stdout  *os.File
	stderr  *os.File
	files   [2]*cellFile   // what cells got as os.Stdout and os.Stderr
	errFile *os.File       // the session's standard error (Options.Stderr)
	out     *outbuf.Buffer // the interpreter's standard output
	errOut  *routeWriter   // standard error, routed to the cell a goroutine belongs to
	frames  *frameWriter   // the interpreter's standard error, which keeps a panic's frames
	track   *tracker       // the goroutines the cells started, and their timers

	mu         sync.Mutex
	stop       chan struct{}      // closed when the running cell is interrupted
	wake       chan struct{}      // closed by wakeSleepers: every time.Sleep of every cell ends
	running    bool               // a cell is running
	panics     []goPanic          // goroutine panics while it runs
	panicking  atomic.Int32       // goroutines inside goPanic (resolving frames, not yet recorded)
	deadlock   *Error             // the deadlock that ended it
	inexact    bool               // it recovered a panic whose text lacks Go's numbers (see recovered)
	exited     *int               // the code of the os.Exit that ended it
	abandoned  map[uint64]bool    // evaluations of cells ended while blocked for good
	cancelCell context.CancelFunc // ends the running cell
}

// goPanic is a panic in a goroutine that a cell started.
type goPanic struct {
	where   string // "cell 3, line 4": the go statement
	value   any
	frames  []string // the traceback, innermost first
	failure bool     // the interpreter's failure, not the program's (see interpreterFailure)
	what    string   // the construct it failed at, if known
}

// err is the cell's error for the panic.
func (p goPanic) err() *Error {
	tail := []string{"", "goroutine started at " + p.where}
	if p.failure {
		return failureError(p.value, p.what, p.frames, tail)
	}
	msg := fmt.Sprint(p.value)
	return &Error{Name: "panic", Value: msg, Traceback: slices.Concat([]string{"panic: " + msg}, p.frames, tail)}
}

// Error is a cell's failure, shaped as Jupyter shows it.
type Error = kernelerr.Error

// New starts an interpreter with the whole standard library.
func New(opts Options) (*Session, error) {
	if err := checkLabels(); err != nil {
		return nil, err
	}
	cellOut, err := newCellFile(opts.Stdout, "os.Stdout", "/dev/stdout")
	if err != nil {
		return nil, err
	}
	cellErr, err := newCellFile(opts.Stderr, "os.Stderr", "/dev/stderr")
	if err != nil {
		return nil, err
	}
	s := &Session{stdout: cellOut.f, stderr: cellErr.f, files: [2]*cellFile{cellOut, cellErr}, errFile: opts.Stderr, raw: opts.Raw, stop: make(chan struct{}), wake: make(chan struct{}), track: newTracker(), fe: cell.NewSession(cell.Options{Tables: symbols.Symbols()})}
	mem := opts.Buffer
	if opts.Raw {
		mem = nil
	}
	s.out = outbuf.New(opts.Stdout, mem, opts.Chunk)
	s.errOut = &routeWriter{out: outbuf.New(opts.Stderr, nil, nil), first: s.out, track: s.track, mark: opts.Mark, orig: cellErr}
	s.frames = &frameWriter{w: s.errOut, fe: s.fe}
	s.in = interp.New(interp.Options{
		Stdin:        opts.Stdin,
		Stdout:       &routeWriter{out: s.out, track: s.track, mark: opts.Mark, orig: cellOut, cellFile: &s.stdout},
		Stderr:       s.frames,
		Unrestricted: true,
		GoPath:       os.DevNull, // never look for package sources on disk
	})
	runtime := cell.RuntimeSymbols(s.goPanic, s.exit)
	hooks := interp.Exports{
		cell.RuntimePath + "/cellrt":                          {"Guard": reflect.ValueOf(s.guard)},
		"github.com/gopherlab/gopherlab/kernel/panics/panics": {"Go": reflect.ValueOf(s.recovered)},
	}
	for _, exports := range []interp.Exports{symbols.Symbols(), s.overrides(), s.timerOverrides(), runtime, s.track.symbols(), hooks} {
		if err := s.in.Use(exports); err != nil {
			return nil, fmt.Errorf("session: load symbols: %w", err)
		}
	}
	return s, nil
}

// overrides replaces the standard library functions that must not behave as
// in a plain program: os.Exit and log.Fatal end the cell, not the process,
// and time.Sleep ends early when the cell is interrupted.
func (s *Session) overrides() interp.Exports {
	logger := log.New(s.errOut, "", log.LstdFlags)
	fatal := func(msg string) {
		logger.Output(3, msg)
		s.exit(1)
	}
	return interp.Exports{
		"os/os": {
			"Exit": reflect.ValueOf(s.exit),
			// The interpreter's own standard output and error are not files,
			// so yaegi leaves os.Stdout and os.Stderr alone: cells get the files.
			"Stdout": reflect.ValueOf(&s.stdout).Elem(),
			"Stderr": reflect.ValueOf(&s.stderr).Elem(),
		},
		"log/log": {
			"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":  reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		},
		"time/time": {
			"Sleep": reflect.ValueOf(s.sleep),
		},
	}
}

// goPanic takes a panic in a goroutine that a cell started (the front end
// wraps every go statement in a recover that calls it). The goroutine ends;
// the worker lives on. While a cell runs, the panic ends it and becomes its
// error; after, it goes to standard error.
func (s *Session) goPanic(where string, v any) { s.reportGoPanic(where, v, true) }

// guard is the function of every goroutine that a go statement of a cell
// starts (cellrt.Guard, see pass goPanic of kernel/cell): it runs f, the
// go statement's function with its interpreted recover, and takes in Go a
// panic that got past that recover. yaegi runs no interpreted code of a
// cell it has stopped (an interrupt, a goroutine's panic that ended the
// cell), not even a deferred recover: a goroutine that panics inside an
// operation it was running at that moment would otherwise kill the worker.
// It also ends the goroutine's tracking, which f's own deferred Done
// misses when f never ran (stopped before it started).
func (s *Session) guard(token uint64, where string, f func()) {
	s.track.start(token)
	defer s.track.done(token)
	defer func() {
		if r := recover(); r != nil {
			s.reportGoPanic(where, cell.Recovered(r), false)
		}
	}()
	f()
}

// reportGoPanic is goPanic; withBase says that the goroutine's own function
// ended the panic, so yaegi did not write its frame (see resolve).
func (s *Session) reportGoPanic(where string, v any, withBase bool) {
	s.panicking.Add(1)
	defer s.panicking.Add(-1)
	v = panics.Go(v)
	p := goPanic{where: where, value: v}
	p.frames, p.what, p.failure = s.goFrames(where, v, withBase)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		s.panics = append(s.panics, p)
		s.cancelCell()
		return
	}
	fmt.Fprintln(s.errOut, strings.Join(p.err().Traceback, "\n"))
}

// goFrames is the traceback of a panic in the calling goroutine, which a
// cell started with the go statement at where, and what interpreterFailure
// says of it.
func (s *Session) goFrames(where string, v any, withBase bool) (lines []string, construct string, failure bool) {
	frames := s.frames.takeGoroutine(goid())
	var base cell.Func
	var c, l int
	if _, err := fmt.Sscanf(where, "cell %d, line %d", &c, &l); err == nil && withBase {
		base = s.fe.GoFunc(c, l)
	}
	stack := callers()
	construct, failure = interpreterFailure(frames, stack, v)
	return s.resolve(frames, v, base, stack), construct, failure
}

// recovered is panics.Go for the values that cells' recover() calls
// return (pass recover of kernel/cell). When one is an index or slice
// bound error without Go's numbers (the code that panicked was given to
// the interpreter before the session's first recover, or its operand is
// one pass indexBounds cannot check), the program may print a text that
// differs from go run's: the running cell then ends with inexactError
// after its statements, rather than report success.
func (s *Session) recovered(v any) any {
	v = panics.Go(v)
	if panics.Inexact(v) {
		s.mu.Lock()
		if s.running {
			s.inexact = true
		}
		s.mu.Unlock()
	}
	return v
}

var inexactError = func() *Error {
	msg := "the cell recovered an index or slice bounds panic whose text lacks Go's numbers (\"index out of range [3] with length 2\"): " +
		"the interpreter does not know them where the code that panicked was given to it before the session's first recover, or for an operand it cannot read twice; " +
		"its output may differ from go run's. Run the cell compiled with %%run for Go's exact message"
	return &Error{Name: "InterpreterError", Value: msg, Traceback: []string{"InterpreterError: " + msg}}
}()

// exit is os.Exit (and log.Fatal's exit) in a cell. Go's os.Exit ends the
// program at once: no deferred call runs, in any goroutine. Here it ends
// the running cell, and the goroutine that called it stops for good: it
// blocks forever instead of returning or panicking, because a panic would
// unwind through the cell's deferred calls (yaegi runs them as it
// unwinds). A goroutine of an earlier cell that calls it stops the same
// way and says so on standard error.
func (s *Session) exit(code int) {
	s.mu.Lock()
	if s.running {
		if s.exited == nil {
			s.exited = &code
		}
		s.cancelCell()
	} else {
		fmt.Fprintf(s.errOut, "os.Exit(%d) in a goroutine of an earlier cell: the goroutine stops; the session goes on\n", code)
	}
	s.mu.Unlock()
	select {}
}

func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	stop, wake := s.stop, s.wake
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	case <-wake:
	}
}

// Result is the value of a cell's final expression.
type Result struct {
	Value any
	Ok    bool // false when the cell has no value to show
	// Declared says that the cell's declarations reached the interpreter
	// and belong to the session, as in a Go program: true even when
	// running the cell's statements then panicked or was interrupted.
	Declared bool
}

// Execute runs one cell. n is its execution count, used in positions. When
// ctx is cancelled the cell stops and Execute returns an *Error named
// "Interrupted".
func (s *Session) Execute(ctx context.Context, n int, src string) (Result, error) {
	// What the cell printed is out before Execute returns (and before
	// the error that may end it).
	defer s.out.Flush(nil)
	defer s.noteClosedFiles()
	// A goroutine's panic ends the cell at once, as it would end a program
	// (a cell waiting for that goroutine would wait forever).
	outer := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer func() {
		if ctx.Err() == nil {
			return
		}
		// The interpreter stopped the cell, maybe between a go statement's
		// spawn and the go itself.
		s.track.orphan()
		if outer.Err() == nil {
			s.abandonBlocked() // the session ended the cell: a deadlock or a panic
		}
	}()
	// stop is closed only by an interrupt: a goroutine that an earlier cell
	// left sleeping keeps sleeping when its cell ends.
	s.mu.Lock()
	s.stop = make(chan struct{})
	s.running, s.panics, s.deadlock, s.exited, s.inexact, s.cancelCell = true, nil, nil, nil, false, cancel
	s.mu.Unlock()
	s.track.begin(n)
	s.frames.take() // frames of panics that were recovered, or of earlier cells
	defer func() {
		s.track.end()
		s.mu.Lock()
		s.running, s.cancelCell = false, nil
		s.mu.Unlock()
	}()
	// The deadlock watcher runs as long as the cell.
	watchCtx, stopWatch := context.WithCancel(ctx)
	var watching sync.WaitGroup
	watching.Add(1)
	s.track.made.Add(1)
	go func() { defer watching.Done(); s.watch(watchCtx, n) }()
	defer watching.Wait()
	defer stopWatch()

	if s.raw {
		return s.executeRaw(ctx, n, src)
	}
	u, err := s.fe.Prepare(n, src)
	if err != nil {
		return Result{}, compileError(err)
	}
	if u.WritesStdio {
		// For good: the cell's code may keep os.Stdout (or start a
		// goroutine that writes to it) beyond this cell.
		s.out.Direct()
	}
	if u.Imports != "" {
		if _, err := s.eval(ctx, u.Imports); err != nil {
			return Result{}, s.cellError(n, u, err)
		}
	}
	if err := s.declare(ctx, u); err != nil {
		return Result{}, s.cellError(n, u, err)
	}
	s.fe.Commit(u)
	declared := Result{Declared: true}
	settle()
	v, err := s.eval(ctx, u.Run)
	s.mu.Lock()
	panics := s.panics
	s.mu.Unlock()
	if len(panics) == 0 && len(s.track.alive(n)) > 0 {
		// A goroutine of the cell that panics runs its deferred calls
		// before our recover reports the panic: a deferred close(done)
		// can end the cell's <-done first. Let such a goroutine reach
		// goPanic, and wait while one resolves its frames.
		settle()
		for deadline := time.Now().Add(5 * time.Second); (s.panicking.Load() > 0 || unwinding(s.track.cellTag(n))) && time.Now().Before(deadline); {
			time.Sleep(100 * time.Microsecond) // polling: goPanic records within milliseconds
		}
		s.mu.Lock()
		panics = s.panics
		s.mu.Unlock()
	}
	if len(panics) > 0 {
		return declared, panics[0].err()
	}
	if err != nil {
		return declared, s.cellError(n, u, err)
	}
	s.mu.Lock()
	inexact := s.inexact
	s.mu.Unlock()
	if inexact {
		return declared, inexactError
	}
	if !u.HasResult || !v.IsValid() {
		return declared, nil
	}
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || !v.CanInterface() {
		return declared, nil
	}
	return Result{Value: v.Interface(), Ok: true, Declared: true}, nil
}

// declare evaluates a unit's declarations. When they are only the
// function that runs the cell (1+1), evaluating them runs no code: there
// is nothing to interrupt, and evaluating in this goroutine saves starting
// one, whose stack would grow again to compile them.
func (s *Session) declare(ctx context.Context, u *cell.Unit) (err error) {
	if !u.OnlyRunner {
		_, err = s.eval(ctx, u.Decls)
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil { // a fault of the interpreter's compiler
			err = interp.Panic{Value: r, Stack: debug.Stack()}
		}
	}()
	_, err = s.in.Eval(u.Decls)
	return err
}

// compileError turns the front end's errors (in cell coordinates) into a
// cell's failure.
func compileError(err error) *Error {
	lines := strings.Split(err.Error(), "\n")
	return &Error{Name: "CompileError", Value: lines[0], Traceback: lines}
}

// Program returns the session's declarations plus src as the files of a
// Go program, for the compiled mode (see cell.Session.Program).
func (s *Session) Program(n int, src string) (map[string][]byte, error) {
	files, err := s.fe.Program(n, src)
	if err != nil {
		return nil, compileError(err)
	}
	return files, nil
}

// Names returns the names the session's cells have defined.
func (s *Session) Names() []string {
	var names []string
	for name := range s.in.Globals() {
		if !strings.HasPrefix(name, "_gl_") {
			names = append(names, name)
		}
	}
	return names
}

// Interrupt wakes sleeping cells. Cancelling Execute's context does the rest.
func (s *Session) Interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
}

func (s *Session) cellError(n int, u *cell.Unit, err error) *Error {
	s.mu.Lock()
	deadlock, exited, goPanics := s.deadlock, s.exited, s.panics
	s.mu.Unlock()
	if len(goPanics) > 0 && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// A goroutine's panic ended the cell before its statements ran
		// (one of an earlier cell, while this cell's declarations were
		// evaluated).
		return goPanics[0].err()
	}
	if exited != nil {
		msg := fmt.Sprintf("the cell called os.Exit(%d); the session goes on", *exited)
		return &Error{Name: "Exit", Value: msg, Traceback: []string{"Exit: " + msg}}
	}
	if deadlock != nil {
		return deadlock
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		const stopped = "the cell stopped; the session's state is kept"
		return &Error{Name: "Interrupted", Value: stopped, Traceback: []string{"Interrupted: " + stopped}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		v := panics.Go(cell.Recovered(p.Value))
		frames, construct, failure := s.cellFrames(v)
		if failure {
			return failureError(v, construct, frames, stackLines(u, p.Stack))
		}
		msg := fmt.Sprint(v)
		return &Error{Name: "panic", Value: msg, Traceback: slices.Concat([]string{"panic: " + msg}, frames, stackLines(u, p.Stack))}
	}
	msg := inCell(n, u, err.Error())
	return &Error{Name: "Error", Value: msg, Traceback: strings.Split(msg, "\n")}
}

// cellFrames is the traceback of a panic that ended the running cell: the
// frames of the goroutine that evaluated it (the one that wrote the cell's
// own frame last), and what interpreterFailure says of it.
func (s *Session) cellFrames(v any) (lines []string, construct string, failure bool) {
	frames := s.frames.take()
	var g uint64
	for _, fr := range frames {
		if strings.HasPrefix(fr.fn, "_gl_cell") {
			g = fr.g
		}
	}
	var mine []rawFrame
	for _, fr := range frames {
		if fr.g == g {
			mine = append(mine, fr)
		}
	}
	lines = s.resolve(mine, v, cell.Func{}, nil)
	if g == 0 && len(frames) > 0 { // yaegi alone: no frame of the front end's cell function
		mine = nil
		for _, fr := range frames {
			if fr.g == frames[len(frames)-1].g {
				mine = append(mine, fr)
			}
		}
	}
	construct, failure = interpreterFailure(mine, nil, v)
	return lines, construct, failure
}

// yaegiPos is a position in the source the front end gave yaegi, as yaegi
// writes it: "12:5: " at the start of a message, "_.go:12:5" in a stack.
var yaegiPos = regexp.MustCompile(`(?m)(^|_\.go:)(\d+):\d+:?`)

// inCell rewrites yaegi's positions into cell coordinates.
func inCell(n int, u *cell.Unit, msg string) string {
	return yaegiPos.ReplaceAllStringFunc(msg, func(m string) string {
		sub := yaegiPos.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		if u == nil { // raw mode: the cell's own lines
			return fmt.Sprintf("cell %d, line %d:", n, line)
		}
		if w := u.Where(line); w != "" {
			return w + ":"
		}
		return fmt.Sprintf("cell %d:", n)
	})
}

// stackLines keeps the interpreted frames of a host stack: the rest is yaegi.
func stackLines(u *cell.Unit, stack []byte) []string {
	var out []string
	if u == nil {
		return nil
	}
	for _, l := range strings.Split(string(stack), "\n") {
		if strings.Contains(l, "_.go:") {
			out = append(out, inCell(u.ExecCount, u, strings.TrimSpace(l)))
		}
	}
	return out
}
