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
			// A cell whose statements panicked or were interrupted still
			// declared what it declares: %grade grades it.
			if res, err = w.sess.Execute(ctx, n, st.Code); res.Declared {
				w.ran = append(w.ran, ranCell{n, st.Code})
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

// A magic is one entry of the table of magics: its name, where it may
// stand, its help line and what it does.
type magicSpec struct {
	name  string
	kind  magicKind
	usage string // as %help shows it
	help  string
	// run runs the magic; body is the line magic's arguments or the cell
	// magic's code. reset asks for a fresh interpreter.
	run func(w *Worker, ctx context.Context, n int, st magic.Step, body string) (res session.Result, reset bool, err error)
}

type magicKind int

const (
	lineMagic   magicKind = iota // %name ARGS
	cellMagic                    // %%name ARGS, then the cell's body
	eitherMagic                  // both: %name STATEMENT times a line, %%name the cell
)

// magics is the table of magics: %help prints it and runMagic looks
// magics up in it. Shell lines (!cmd) are not magics: magic.Split finds them.
var magics []magicSpec

func init() {
	ok := func(err error) (session.Result, bool, error) { return session.Result{}, false, err }
	magics = []magicSpec{
		{"help", lineMagic, "%help", "list the magics",
			func(w *Worker, _ context.Context, _ int, _ magic.Step, _ string) (session.Result, bool, error) {
				fmt.Fprint(w.pipes.Stdout, helpText())
				return ok(nil)
			}},
		{"env", lineMagic, "%env", "list the environment; %env NAME shows one variable; %env NAME=value sets it for later cells and the programs they start",
			func(w *Worker, _ context.Context, _ int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(magic.Env(st.Args, w.pipes.Stdout))
			}},
		{"cd", lineMagic, "%cd DIR", "change the working directory of the cells (%cd alone shows it)",
			func(w *Worker, _ context.Context, _ int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(magic.Cd(st.Args, w.pipes.Stdout))
			}},
		{"writefile", cellMagic, "%%writefile F", "write the rest of the cell into file F (-a appends)",
			func(w *Worker, _ context.Context, _ int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(magic.WriteFile(st.Args, st.Code, w.pipes.Stdout))
			}},
		{"time", eitherMagic, "%time STMT", "run Go code once and show how long it took (wall and CPU); %%time times the whole cell",
			func(w *Worker, ctx context.Context, n int, _ magic.Step, body string) (session.Result, bool, error) {
				res, err := w.timeOnce(ctx, n, body)
				return res, false, err
			}},
		{"timeit", eitherMagic, "%timeit STMT", "run Go code many times and show the median time per run and its spread; %%timeit for the whole cell",
			func(w *Worker, ctx context.Context, n int, _ magic.Step, body string) (session.Result, bool, error) {
				return ok(w.timeit(ctx, n, body))
			}},
		{"who", lineMagic, "%who", "list the names the session's cells have defined",
			func(w *Worker, _ context.Context, _ int, _ magic.Step, _ string) (session.Result, bool, error) {
				names := w.sess.Names()
				slices.Sort(names)
				fmt.Fprintln(w.pipes.Stdout, strings.Join(names, "  "))
				return ok(nil)
			}},
		{"goroutines", lineMagic, "%goroutines", "list the goroutines the cells started that are still alive, with their state (running, blocked on a channel, select, mutex, sleeping, I/O) and the go statement that started them",
			func(w *Worker, _ context.Context, _ int, _ magic.Step, _ string) (session.Result, bool, error) {
				w.goroutines()
				return ok(nil)
			}},
		{"reset", lineMagic, "%reset", "start a fresh interpreter: every name from earlier cells is gone",
			func(w *Worker, _ context.Context, _ int, _ magic.Step, _ string) (session.Result, bool, error) {
				fmt.Fprintln(w.pipes.Stdout, "Starting a fresh interpreter: every name from earlier cells is gone.")
				return session.Result{}, true, nil
			}},
		{"run", cellMagic, "%%run", "build the session's declarations plus this cell with the Go toolchain and run it as a program (compiled speed)",
			func(w *Worker, ctx context.Context, n int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(w.compiled(ctx, n, st.Code, false))
			}},
		{"race", cellMagic, "%%race", "like %%run, under the race detector: data races are reported with their cell lines",
			func(w *Worker, ctx context.Context, n int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(w.compiled(ctx, n, st.Code, true))
			}},
		{"grade", lineMagic, "%grade [EX]", "grade the declarations of the cells you ran against an exercise's public checks (default: the one in this notebook's folder)",
			func(w *Worker, ctx context.Context, _ int, st magic.Step, _ string) (session.Result, bool, error) {
				return ok(w.gradeCells(ctx, st.Args))
			}},
	}
}

// helpText is the table of magics as aligned lines, for %help.
func helpText() string {
	lines := [][2]string{{"!cmd", "run a shell command; its output streams into the cell and a failure shows its exit status"}}
	for _, m := range magics {
		lines = append(lines, [2]string{m.usage, m.help})
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l[0] + strings.Repeat(" ", width-len(l[0])+2) + l[1] + "\n")
	}
	return b.String()
}

// runMagic runs one magic step, found in the table of magics.
func (w *Worker) runMagic(ctx context.Context, n int, st magic.Step) (res session.Result, reset bool, err error) {
	i := slices.IndexFunc(magics, func(m magicSpec) bool { return m.name == st.Name })
	if i < 0 {
		prefix := "%"
		if st.Kind == "cell" {
			prefix = "%%"
		}
		return res, false, fmt.Errorf("unknown magic %s%s; %%help lists the magics", prefix, st.Name)
	}
	m := magics[i]
	switch {
	case m.kind == cellMagic && st.Kind != "cell":
		return res, false, fmt.Errorf("%s is a cell magic: %%%%%s on the first line, then the cell's lines", st.Name, st.Name)
	case m.kind == lineMagic && st.Kind == "cell":
		return res, false, fmt.Errorf("%s is a line magic: %%%s on a line of its own, not %%%%%s", st.Name, st.Name, st.Name)
	}
	body := st.Args // the code of a line magic
	if st.Kind == "cell" {
		body = st.Code
	}
	return m.run(w, ctx, n, st, body)
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
