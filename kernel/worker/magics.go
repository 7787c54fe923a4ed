package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel/compile"
	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/kernel/magic"
	"github.com/gopherlab/gopherlab/kernel/session"
)

// runCell runs a cell's steps (see package magic) in order and returns the
// result of its last Go step. reset is true when the cell asked for a fresh
// interpreter (%reset).
func (w *Worker) runCell(ctx context.Context, n int, code string) (res session.Result, reset bool, err error) {
	stdout, stderr := w.pipes.Stdout, w.pipes.Stderr
	for _, st := range magic.Split(code) {
		res = session.Result{}
		switch st.Kind {
		case "go":
			if res, err = w.sess.Execute(ctx, n, st.Code); err == nil {
				w.ran = append(w.ran, st.Code)
			}
		case "shell":
			err = magic.Shell(ctx, st.Args, stdout, stderr)
		case "line", "cell":
			res, reset, err = w.runMagic(ctx, n, st)
		}
		if err != nil || reset {
			return res, reset, magicError(st, err)
		}
	}
	return res, false, nil
}

// magicError gives a magic's failure its name; Go steps' errors pass as they are.
func magicError(st magic.Step, err error) error {
	var cellErr *session.Error
	if err == nil || st.Kind == "go" || errors.As(err, &cellErr) {
		return err
	}
	name := "MagicError"
	if st.Kind == "shell" {
		name = "ShellError"
	}
	return &session.Error{Name: name, Value: err.Error(), Traceback: []string{name + ": " + err.Error()}}
}

func (w *Worker) runMagic(ctx context.Context, n int, st magic.Step) (res session.Result, reset bool, err error) {
	out := w.pipes.Stdout
	body := st.Args // the code of a line magic
	if st.Kind == "cell" {
		body = st.Code
	}
	switch st.Name {
	case "help":
		fmt.Fprint(out, magic.HelpText())
	case "env":
		err = magic.Env(st.Args, out)
	case "cd":
		err = magic.Cd(st.Args, out)
	case "writefile":
		if st.Kind != "cell" {
			return res, false, errors.New("writefile is a cell magic: %%writefile FILE, then the file's lines")
		}
		err = magic.WriteFile(st.Args, st.Code, out)
	case "time":
		res, err = w.timeOnce(ctx, n, body)
	case "timeit":
		err = w.timeit(ctx, n, body)
	case "goroutines":
		w.goroutines()
	case "who":
		names := w.sess.Names()
		slices.Sort(names)
		fmt.Fprintln(out, strings.Join(names, "  "))
	case "run", "race":
		if st.Kind != "cell" {
			return res, false, fmt.Errorf("%s is a cell magic: %%%%%s on the first line, then the cell's Go code", st.Name, st.Name)
		}
		err = w.compiled(ctx, n, st.Code, st.Name == "race")
	case "grade":
		err = w.gradeCells(ctx, st.Args)
	case "reset":
		fmt.Fprintln(out, "Starting a fresh interpreter: every name from earlier cells is gone.")
		return res, true, nil
	default:
		prefix := "%"
		if st.Kind == "cell" {
			prefix = "%%"
		}
		err = fmt.Errorf("unknown magic %s%s; %%help lists the magics", prefix, st.Name)
	}
	return res, false, err
}

// timeOnce runs %time: the code once, with its wall and CPU time.
func (w *Worker) timeOnce(ctx context.Context, n int, code string) (session.Result, error) {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	t0 := time.Now()
	res, err := w.sess.Execute(ctx, n, code)
	wall := time.Since(t0)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	if err != nil {
		return res, err
	}
	t := magic.TimeOnce{
		Wall:   wall,
		User:   time.Duration(after.Utime.Nano() - before.Utime.Nano()),
		System: time.Duration(after.Stime.Nano() - before.Stime.Nano()),
	}
	fmt.Fprintln(w.pipes.Stdout, t)
	return res, nil
}

// timeit runs %timeit: the code in a loop, timed around the cell that runs
// it. Preparing that cell takes well under a millisecond, and the loop runs
// for at least 0.2 s, so it adds less than half a percent.
func (w *Worker) timeit(ctx context.Context, n int, code string) error {
	if strings.TrimSpace(code) == "" {
		return errors.New("%timeit needs code to time: %timeit STATEMENT")
	}
	t, err := magic.Timeit(ctx, func(loops int) (time.Duration, error) {
		loop := fmt.Sprintf("for timeitLoop := 0; timeitLoop < %d; timeitLoop++ {\n%s\n}", loops, code)
		t0 := time.Now()
		_, err := w.sess.Execute(ctx, n, loop)
		return time.Since(t0), err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w.pipes.Stdout, t)
	return nil
}

// compiled runs %%run and %%race: the session's declarations plus the cell,
// built by the Go toolchain (with -race for %%race) and run as a program.
func (w *Worker) compiled(ctx context.Context, n int, code string, race bool) error {
	files, err := w.sess.Program(n, code)
	if err != nil {
		return err
	}
	main := files["main.go"]
	delete(files, "main.go")
	err = compile.Run(ctx, compile.Program{Main: main, Files: files}, compile.Options{
		Race: race, Stdout: w.pipes.Stdout, Stderr: w.pipes.Stderr, Log: w.pipes.Stdout,
	})
	var ce *compile.Error
	if errors.As(err, &ce) {
		// The names the interpreted cells use for the same failures.
		name := map[string]string{"Panic": "panic", "FatalError": "fatal error"}[ce.Name]
		if name == "" {
			name = ce.Name
		}
		// The cell's statements run in a function the front end names.
		tb := make([]string, len(ce.Traceback))
		for i, l := range ce.Traceback {
			tb[i] = strings.ReplaceAll(l, "main._gl_body", "main.cell")
		}
		return &session.Error{Name: name, Value: ce.Value, Traceback: tb}
	}
	return err
}

// goroutines runs %goroutines: the goroutines the session's cells started
// that are still alive, with their states, as a table.
func (w *Worker) goroutines() {
	gs := w.sess.Goroutines()
	if len(gs) == 0 {
		fmt.Fprintln(w.pipes.Stdout, "No goroutine started by a cell is running.")
		return
	}
	type row struct {
		Goroutine uint64
		Cell      int
		Started   string
		State     string
	}
	rows := make([]row, len(gs))
	for i, g := range gs {
		rows[i] = row{g.ID, g.Cell, g.Started, g.State}
	}
	noun := "goroutines"
	if len(gs) == 1 {
		noun = "goroutine"
	}
	fmt.Fprintf(w.pipes.Stdout, "%d %s started by the cells:\n", len(gs), noun)
	display.Table(rows)
}
