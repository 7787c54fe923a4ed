package cell_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// The conformance corpus: testdata/conformance/*.txtar, each a whole Go
// program (main.go) with the output of `go run` (want) and its run time
// (in the archive's comment, "go-run-ms: N"). The program is cut into
// notebook cells: the package clause goes, the lines `func main() {` and
// the file's last `}` go, and every line `//cell` starts a new cell.
//
// TestConformance runs every program in a child process, twice: through
// yaegi alone (each cell given to Eval as it is) and through the front
// end, and reports how many pass each way. A program that fails through
// the front end fails the test, unless its comment has a line
// "known-failure: <reason>".
//
//	go test ./kernel/cell -run TestConformance -v            # run
//	go test ./kernel/cell -run TestConformance -update       # refresh want from go run

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
	if err := in.Use(symbols.Symbols); err != nil {
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

func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("conformance corpus: not in -short mode")
	}
	files, err := filepath.Glob("testdata/conformance/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		for _, f := range files {
			updateConformance(t, f)
		}
		return
	}
	var yaegiPass, programPass, fePass, known, slow int
	var prepare, maxPrepare time.Duration
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, f := range ar.Files {
			if f.Name == "want" {
				want = string(f.Data)
			}
		}
		comment := string(ar.Comment)
		goMs := 0
		if m := regexp.MustCompile(`go-run-ms: (\d+)`).FindStringSubmatch(comment); m != nil {
			goMs, _ = strconv.Atoi(m[1])
		}
		knownFailure := strings.Contains(comment, "known-failure:")
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		y := runChild(t, "yaegi", file, 20*time.Second)
		if y.err == nil && y.out == want {
			yaegiPass++
		}
		if p := runChild(t, "program", file, 20*time.Second); p.err == nil && p.out == want {
			programPass++
		}
		f := runChild(t, "frontend", file, 30*time.Second)
		ok := f.err == nil && f.out == want
		prepare += f.prepare
		maxPrepare = max(maxPrepare, f.prepare)
		budget := 2*time.Duration(goMs)*time.Millisecond + 200*time.Millisecond
		switch {
		case ok:
			fePass++
			if f.elapsed > budget {
				slow++
				t.Logf("%s: slow: %v in yaegi, budget %v (go run %d ms)", name, f.elapsed, budget, goMs)
			}
		case knownFailure:
			known++
			t.Logf("%s: known failure", name)
		default:
			t.Errorf("%s: front end: err=%v\ngot:\n%s\nwant:\n%s", name, f.err, f.out, want)
		}
	}
	t.Logf("conformance: %d programs; yaegi alone passes %d as cells and %d as whole programs; the front end passes %d (%d known failures, %d over the time budget of 2x go run + 200ms)",
		len(files), yaegiPass, programPass, fePass, known, slow)
	t.Logf("front end time per program (parse, type-check, rewrite all cells; includes go list for export data): mean %v, max %v",
		prepare/time.Duration(max(len(files), 1)), maxPrepare)
}

// updateConformance runs a program with `go run` twice (it must print the
// same both times) and stores its output and run time.
func updateConformance(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var prog []byte
	for _, f := range ar.Files {
		if f.Name == "main.go" {
			prog = f.Data
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), prog, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "prog")
	// Built inside this module, so that golang.org/x/sync resolves.
	build := exec.Command("go", "build", "-o", bin, filepath.Join(dir, "main.go"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("%s: go build: %v\n%s", file, err, out)
		return
	}
	var outs []string
	var best time.Duration
	for i := range 2 {
		cmd := exec.Command(bin)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if i == 0 || d < best {
			best = d
		}
		out := stdout.String()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			out += fmt.Sprintf("exit status %d\n", ee.ExitCode())
		} else if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Errorf("%s: output differs between two runs:\n%s\n---\n%s", file, outs[0], outs[1])
		return
	}
	comment := regexp.MustCompile(`(?m)^go-run-ms: \d+\n`).ReplaceAllString(string(ar.Comment), "")
	ar.Comment = []byte(comment + fmt.Sprintf("go-run-ms: %d\n", best.Milliseconds()))
	found := false
	for i := range ar.Files {
		if ar.Files[i].Name == "want" {
			ar.Files[i].Data = []byte(outs[0])
			found = true
		}
	}
	if !found {
		ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(outs[0])})
	}
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
