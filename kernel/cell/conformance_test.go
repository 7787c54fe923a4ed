package cell_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/traefik/yaegi/interp"
	"golang.org/x/tools/txtar"
)

// The conformance corpus, testdata/conformance/*.txtar, holds whole Go
// programs (main.go) with the output of `go run` (want). kernel/corpus
// runs it, one subtest per program and mode, with GOROOT/test and yaegi's
// programs:
//
//	go test ./kernel/corpus -run 'TestCorpus/ours' -v
//	go test ./kernel/corpus -run 'TestCorpus/ours' -update   # refresh want from go run
//
// What stays here is the child process that TestPassesAreNeeded runs a
// cell in, with the front end whole or without one pass.

const childEnv = "GOPHERLAB_CONFORMANCE_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(conformanceChild(spec))
	}
	os.Exit(m.Run())
}

// conformanceChild runs one program ("frontend:path" or "yaegi:path") and
// writes its output to stdout; the last line is "elapsed-ms: N".
func conformanceChild(spec string) int {
	mode, path, _ := strings.Cut(spec, ":")
	path, section, _ := strings.Cut(path, "#")
	ar, err := txtar.ParseFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var prog string
	for _, f := range ar.Files {
		if f.Name == "main.go" || f.Name == section {
			prog = string(f.Data)
		}
	}
	in := interp.New(interp.Options{Stdout: os.Stdout, Stderr: os.Stderr, Unrestricted: true})
	if err := in.Use(symbols.Symbols()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	goPanic := func(where string, v any) {
		fmt.Printf("panic in goroutine (%s): %v\n", where, v)
	}
	// os.Exit ends the child as it ends a program: no deferred call runs
	// (kernel/session does the same to a cell).
	exit := func(code int) {
		fmt.Printf("prepare-ms: %d\n", prepareTime.Milliseconds())
		fmt.Printf("elapsed-ms: %d\n", runTime.Milliseconds())
		os.Exit(code)
	}
	if err := in.Use(cell.RuntimeSymbols(goPanic, exit)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s := cell.NewSession(cell.Options{})
	code := 0
	cells := cell.CutCells(prog)
	if mode == "without" {
		// One cell, with the rewrite of that name switched off.
		s.DisablePass(section)
		cells = []string{prog}
		mode = "frontend"
	} else if section != "" {
		cells = []string{prog}
	}
	if mode == "program" {
		// yaegi alone on the whole program, not cut into cells.
		cells = []string{prog}
		mode = "yaegi"
	}
	for i, src := range cells {
		err := runChildCell(in, s, mode, i+1, src)
		if err != nil {
			var ec exitCode
			if errors.As(err, &ec) {
				code = int(ec)
				break
			}
			fmt.Printf("error: %v\n", err)
			code = 1
			break
		}
	}
	fmt.Printf("prepare-ms: %d\n", prepareTime.Milliseconds())
	fmt.Printf("elapsed-ms: %d\n", runTime.Milliseconds())
	return code
}

// prepareTime and runTime add up the child's time in the front end
// (parse, type-check, rewrite; the first cell also loads export data with
// go list) and in yaegi.
var prepareTime, runTime time.Duration

func (c exitCode) Error() string { return "exit status " + strconv.Itoa(int(c)) }

func runChildCell(in *interp.Interpreter, s *cell.Session, mode string, n int, src string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("host panic: %v", p)
		}
	}()
	ctx := context.Background()
	check := func(err error) error {
		var p interp.Panic
		if errors.As(err, &p) {
			if c, ok := p.Value.(exitCode); ok {
				return c
			}
		}
		return err
	}
	if mode == "yaegi" {
		start := time.Now()
		_, err := in.EvalWithContext(ctx, src)
		runTime += time.Since(start)
		return check(err)
	}
	start := time.Now()
	u, err := s.Prepare(n, src)
	prepareTime += time.Since(start)
	if err != nil {
		return err
	}
	start = time.Now()
	defer func() { runTime += time.Since(start) }()
	if u.Imports != "" {
		if _, err := in.EvalWithContext(ctx, u.Imports); err != nil {
			return err
		}
	}
	if _, err := in.EvalWithContext(ctx, u.Decls); err != nil {
		return fmt.Errorf("%w (line %s)", err, wherePrefix(u, err))
	}
	s.Commit(u)
	_, err = in.EvalWithContext(ctx, u.Run)
	return check(err)
}

var linePrefix = regexp.MustCompile(`^(\d+):\d+:`)

func wherePrefix(u *cell.Unit, err error) string {
	if m := linePrefix.FindStringSubmatch(err.Error()); m != nil {
		l, _ := strconv.Atoi(m[1])
		return u.Where(l)
	}
	return "?"
}

type conformanceResult struct {
	out     string
	elapsed time.Duration // in yaegi
	prepare time.Duration // in the front end
	err     error
}

func runChild(t *testing.T, mode, path string, timeout time.Duration) conformanceResult {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+":"+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := stdout.String()
	var elapsed, prepare time.Duration
	if i := strings.LastIndex(out, "elapsed-ms: "); i >= 0 {
		ms, _ := strconv.Atoi(strings.TrimSpace(out[i+len("elapsed-ms: "):]))
		elapsed = time.Duration(ms) * time.Millisecond
		out = out[:i]
	}
	if i := strings.LastIndex(out, "prepare-ms: "); i >= 0 {
		ms, _ := strconv.Atoi(strings.TrimSpace(out[i+len("prepare-ms: "):]))
		prepare = time.Duration(ms) * time.Millisecond
		out = out[:i]
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v", timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		out += fmt.Sprintf("exit status %d\n", ee.ExitCode())
		err = nil
		if ee.ExitCode() == 2 || ee.ExitCode() < 0 {
			err = fmt.Errorf("child crashed: %s", lastLines(stderr.String(), 8))
		}
	}
	return conformanceResult{out: out, elapsed: elapsed, prepare: prepare, err: err}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
