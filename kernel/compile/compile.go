package compile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
)

// Program is a whole Go program built from notebook cells.
type Program struct {
	// Main is the source of main.go: package main, imports, the session's
	// declarations, func main() { the cell's statements }.
	Main []byte
	// Where maps a line of Main (1-based) to notebook coordinates: the
	// execution count of a cell and the line in that cell. ok is false for
	// generated lines. A nil Where maps nothing.
	Where func(line int) (cell, cellLine int, ok bool)
	// Files are more files of package main, by name. Their positions may
	// come from line directives such as /*line cell 3:1:1*/, which the
	// compiler, the runtime and the race detector report as "cell 3:4";
	// Run shows them as "cell 3, line 4".
	Files map[string][]byte
}

// Options say how to build and run a Program.
type Options struct {
	Race bool   // build with -race and report data races
	Dir  string // working directory of the program (the notebook's); "" is the caller's

	// Stdin is the program's standard input; nil means none (/dev/null).
	// An *os.File is handed to the program as it is; any other reader is
	// copied to it eagerly, as os/exec does.
	Stdin io.Reader
	// Stdout and Stderr receive the program's output live, line by line,
	// with main.go positions rewritten into cell coordinates. They may be
	// the same writer: Run never writes to them concurrently. Panics and
	// race reports do not go to Stderr: they are the returned *Error.
	Stdout, Stderr io.Writer
	Env            []string // extra environment of the program, "KEY=value"

	// CacheDir holds the builds; "" means os.UserCacheDir()/gopherlab/run.
	CacheDir string
	// Log, if not nil, gets one line each time Run has to build (the first
	// -race build of a machine compiles the race runtime and standard
	// library and takes a while, so a caller may want to say so).
	Log io.Writer
}

// Error is a program that did not build, or did not end with exit status 0.
// It maps onto a Jupyter error reply: Name is ename, Value evalue, and
// Traceback the lines to show. The first line is "Name: Value", except for
// a panic or fatal error alone, whose trace starts with the runtime's own
// "panic: ..." or "fatal error: ..." line.
//
// Its Name is one of BuildError, DataRace, Panic, FatalError (a Go runtime
// fatal error such as a deadlock or concurrent map writes), ExitStatus and
// Interrupted; its Traceback is in cell coordinates, trimmed of the Go
// runtime's own frames.
type Error = kernelerr.Error

// waitDelay bounds how long Run waits for the program's output once the
// program has ended (a child it started may still hold the pipes open).
const waitDelay = time.Second

// Run builds p (or reuses a cached build of the same source and options)
// and runs it. It returns nil on exit status 0, an *Error when the program
// does not build or fails, and another error when the toolchain or the cache
// cannot be used. Cancelling ctx kills the program and every process it
// started and returns an *Error named Interrupted.
func Run(ctx context.Context, p Program, opt Options) error {
	if ctx.Err() != nil {
		return interrupted("the program was stopped before it started")
	}
	exe, err := build(ctx, p, opt)
	if err != nil {
		return err
	}
	return run(ctx, exe, p, opt)
}

// run runs a built program and turns its end into Run's result.
func run(ctx context.Context, exe string, p Program, opt Options) error {
	rw := newRewriter(p.Where)
	var mu sync.Mutex // serialises writes to Stdout and Stderr, which may be one writer
	stdout := &lineWriter{w: orDiscard(opt.Stdout), mu: &mu, rw: rw}
	stderr := newStderrFilter(orDiscard(opt.Stderr), &mu, rw)

	cmd := exec.CommandContext(ctx, exe)
	cmd.Dir = opt.Dir
	cmd.Env = append(os.Environ(), opt.Env...)
	if opt.Race {
		cmd.Env = append(cmd.Env, "GORACE=halt_on_error=0 exitcode=66 atexit_sleep_ms=0")
	}
	cmd.Stdin = opt.Stdin
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	inOwnGroup(cmd)
	err := cmd.Run()
	if cmd.Process != nil {
		killGroup(cmd.Process.Pid) // what the program started does not outlive it
	}
	stdout.flush()
	stderr.flush()

	var exit *exec.ExitError
	switch {
	case err != nil && ctx.Err() != nil:
		return stderr.failure("Interrupted", "the program was stopped")
	case len(stderr.reports) > 0:
		return stderr.failure("DataRace", stderr.raceCount())
	case len(stderr.crash) > 0:
		name, value := crashName(stderr.crash)
		return stderr.failure(name, value)
	case errors.As(err, &exit):
		return stderr.failure("ExitStatus", exit.String())
	case errors.Is(err, exec.ErrWaitDelay):
		return nil // exit status 0, but something it started kept the output open
	case err != nil:
		return fmt.Errorf("compile: run: %w", err)
	}
	return nil
}

func interrupted(value string) *Error {
	return &Error{Name: "Interrupted", Value: value, Traceback: []string{"Interrupted: " + value}}
}

// failure is the *Error of a run: the race reports and the crash, in cell
// coordinates.
func (f *stderrFilter) failure(name, value string) *Error {
	var tb []string
	if len(f.crash) == 0 || len(f.reports) > 0 {
		tb = append(tb, name+": "+value) // a crash's own first line says it otherwise
	}
	for i, r := range f.reports {
		if i == maxReports {
			tb = append(tb, fmt.Sprintf("... and %d more data race reports", len(f.reports)-maxReports))
			break
		}
		tb = append(tb, r...)
	}
	if len(f.crash) > 0 {
		if len(tb) > 0 {
			tb = append(tb, "")
		}
		tb = append(tb, trimCrash(f.crash, f.rw)...)
	}
	return &Error{Name: name, Value: value, Traceback: tb}
}

// raceCount says how many data races the program found.
func (f *stderrFilter) raceCount() string {
	n := f.found
	if n == 0 {
		n = len(f.reports)
	}
	if n == 1 {
		return "1 data race found"
	}
	return fmt.Sprintf("%d data races found", n)
}

// crashName names a crash from its first line: "panic: boom" or "fatal
// error: all goroutines are asleep - deadlock!".
func crashName(crash []string) (name, value string) {
	if v, ok := strings.CutPrefix(crash[0], "fatal error: "); ok {
		return "FatalError", v
	}
	v, _ := strings.CutPrefix(crash[0], "panic: ")
	// a panic value printed over several lines runs up to the blank line
	for _, l := range crash[1:] {
		if l == "" || strings.HasPrefix(l, "goroutine ") || strings.HasPrefix(l, "[signal ") {
			break
		}
		v += "\n" + l
	}
	return "Panic", v
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
