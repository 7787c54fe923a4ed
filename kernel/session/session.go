// Package session runs notebook cells: one yaegi interpreter whose state lives
// on from cell to cell, behind the cell front end.
//
// A Session is used by one goroutine at a time (the worker's), except for
// Interrupt, which may be called from anywhere.
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/traefik/yaegi/interp"
)

// Options configure a Session. Stdout and Stderr are files so that a cell's
// os.Stdout and os.Stderr, and the children it starts, write to them directly.
type Options struct {
	Stdin  io.Reader
	Stdout *os.File
	Stderr *os.File
}

// Session is one interpreter with its state.
type Session struct {
	in     *interp.Interpreter
	stderr *os.File

	imported map[string]bool // import specs evaluated so far, e.g. `"fmt"`

	mu   sync.Mutex
	stop chan struct{} // closed when the running cell is interrupted
}

// Error is a cell's failure, shaped as Jupyter shows it.
type Error struct {
	Name      string
	Value     string
	Traceback []string
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// exitCode is the panic value that stands for os.Exit in a cell.
type exitCode int

// New starts an interpreter with the whole standard library.
func New(opts Options) (*Session, error) {
	s := &Session{stderr: opts.Stderr, stop: make(chan struct{}), imported: map[string]bool{}}
	s.in = interp.New(interp.Options{
		Stdin:        opts.Stdin,
		Stdout:       opts.Stdout,
		Stderr:       opts.Stderr,
		Unrestricted: true,
		GoPath:       os.DevNull, // never look for package sources on disk
	})
	for _, exports := range []interp.Exports{symbols.Symbols, s.overrides()} {
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
	logger := log.New(s.stderr, "", log.LstdFlags)
	fatal := func(msg string) {
		logger.Output(3, msg)
		panic(exitCode(1))
	}
	return interp.Exports{
		"os/os": {
			"Exit": reflect.ValueOf(func(code int) { panic(exitCode(code)) }),
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

func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	}
}

// Result is the value of a cell's final expression.
type Result struct {
	Value any
	Ok    bool // false when the cell has no value to show
}

// Execute runs one cell. n is its execution count, used in positions. When
// ctx is cancelled the cell stops and Execute returns an *Error named
// "Interrupted".
func (s *Session) Execute(ctx context.Context, n int, src string) (Result, error) {
	s.mu.Lock()
	s.stop = make(chan struct{})
	stop := s.stop
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		select {
		case <-stop:
		default:
			close(stop)
		}
		s.mu.Unlock()
	}()

	wantValue := endsInValue(src)
	imports, rest := splitImports(src, s.imported)
	for _, imp := range imports {
		if _, err := s.in.EvalWithContext(ctx, "import "+imp); err != nil {
			return Result{}, s.cellError(n, err)
		}
		s.imported[imp] = true
	}
	v, err := s.in.EvalWithContext(ctx, rest)
	if err != nil {
		return Result{}, s.cellError(n, err)
	}
	if !wantValue || !v.IsValid() || !v.CanInterface() {
		return Result{}, nil
	}
	return Result{Value: v.Interface(), Ok: true}, nil
}

// Names returns the names the session's cells have defined.
func (s *Session) Names() []string {
	var names []string
	for name := range s.in.Globals() {
		names = append(names, name)
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

func (s *Session) cellError(n int, err error) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Name: "Interrupted", Value: "the cell was interrupted", Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if code, ok := p.Value.(exitCode); ok {
			msg := fmt.Sprintf("the cell called os.Exit(%d); the session goes on", int(code))
			return &Error{Name: "Exit", Value: msg, Traceback: []string{"Exit: " + msg}}
		}
		msg := fmt.Sprint(p.Value)
		return &Error{Name: "panic", Value: msg, Traceback: append([]string{"panic: " + msg}, stackLines(p.Stack)...)}
	}
	msg := strings.ReplaceAll(err.Error(), "_.go:", fmt.Sprintf("cell %d, line ", n))
	return &Error{Name: "Error", Value: msg, Traceback: strings.Split(msg, "\n")}
}

// stackLines keeps the interpreted frames of a host stack: the rest is yaegi.
func stackLines(stack []byte) []string {
	var out []string
	for _, l := range strings.Split(string(stack), "\n") {
		if strings.Contains(l, "_.go:") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}
