package symbols

// The generated tables refer to these replacements (yaegi's extract tool
// substitutes them for os.Exit, os.FindProcess, log.Fatal* and log.New), so
// that code in a cell cannot end the worker process by accident. They follow
// yaegi's own stdlib/restricted.go. kernel/cell additionally rewrites os.Exit
// calls into cellrt.Exit, which the session reports as the end of the cell.

import (
	"errors"
	"io"
	"log"
	"os"
	"strconv"
)

var errRestricted = errors.New("symbols: not allowed in a notebook cell")

// osExit panics instead of exiting the worker.
func osExit(code int) { panic("os.Exit(" + strconv.Itoa(code) + ")") }

// osFindProcess refuses to return the worker's own process.
func osFindProcess(pid int) (*os.Process, error) {
	if pid == os.Getpid() {
		return nil, errRestricted
	}
	return os.FindProcess(pid)
}

func logFatal(v ...any)            { log.Panic(v...) }
func logFatalf(f string, v ...any) { log.Panicf(f, v...) }
func logFatalln(v ...any)          { log.Panicln(v...) }

// logLogger is a log.Logger whose Fatal methods panic instead of exiting.
type logLogger struct {
	l *log.Logger
}

func logNew(out io.Writer, prefix string, flag int) *logLogger {
	return &logLogger{log.New(out, prefix, flag)}
}

func (l *logLogger) Fatal(v ...any)               { l.l.Panic(v...) }
func (l *logLogger) Fatalf(f string, v ...any)    { l.l.Panicf(f, v...) }
func (l *logLogger) Fatalln(v ...any)             { l.l.Panicln(v...) }
func (l *logLogger) Flags() int                   { return l.l.Flags() }
func (l *logLogger) Output(d int, s string) error { return l.l.Output(d, s) }
func (l *logLogger) Panic(v ...any)               { l.l.Panic(v...) }
func (l *logLogger) Panicf(f string, v ...any)    { l.l.Panicf(f, v...) }
func (l *logLogger) Panicln(v ...any)             { l.l.Panicln(v...) }
func (l *logLogger) Prefix() string               { return l.l.Prefix() }
func (l *logLogger) Print(v ...any)               { l.l.Print(v...) }
func (l *logLogger) Printf(f string, v ...any)    { l.l.Printf(f, v...) }
func (l *logLogger) Println(v ...any)             { l.l.Println(v...) }
func (l *logLogger) SetFlags(flag int)            { l.l.SetFlags(flag) }
func (l *logLogger) SetOutput(w io.Writer)        { l.l.SetOutput(w) }
func (l *logLogger) SetPrefix(prefix string)      { l.l.SetPrefix(prefix) }
func (l *logLogger) Writer() io.Writer            { return l.l.Writer() }
func (l *logLogger) Logger() *log.Logger          { return l.l }
