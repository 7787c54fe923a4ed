package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func newTestSession(t *testing.T) (*Session, *os.File, *os.File) {
	t.Helper()
	dir := t.TempDir()
	stdout, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdout.Close(); stderr.Close() })
	s, err := New(Options{Stdout: stdout, Stderr: stderr})
	if err != nil {
		t.Fatal(err)
	}
	return s, stdout, stderr
}

func contents(t *testing.T, f *os.File) string {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExecuteThroughFrontEnd runs cells the way the worker does: mixed
// cells, results, errors in cell coordinates, goroutine panics, os.Exit.
func TestExecuteThroughFrontEnd(t *testing.T) {
	s, stdout, stderr := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	res, err := s.Execute(ctx, 1, "import \"fmt\"\nx := 20\nfunc f() int { return x + 1 }\nfmt.Println(\"hi\")\nf()")
	if err != nil || !res.Ok || res.Value != 21 {
		t.Fatalf("cell 1: %v, %v", res, err)
	}
	if got := contents(t, stdout); got != "hi\n" {
		t.Errorf("stdout = %q", got)
	}

	_, err = s.Execute(ctx, 2, "y := 1\n\nwg.Wait()")
	var cellErr *Error
	if !errors.As(err, &cellErr) || cellErr.Value != "cell 2, line 3: undefined: wg" {
		t.Errorf("cell 2: %v", err)
	}

	res, err = s.Execute(ctx, 3, "for i := range 3 { x += i }\nx")
	if err != nil || res.Value != 23 {
		t.Errorf("cell 3: %v, %v", res, err)
	}

	// A goroutine's panic while the cell runs is the cell's error.
	_, err = s.Execute(ctx, 4, "done := make(chan bool)\ngo func() {\n\tdefer close(done)\n\tpanic(\"boom\")\n}()\n<-done\ntime.Sleep(50 * time.Millisecond)")
	if !errors.As(err, &cellErr) || cellErr.Name != "panic" || cellErr.Value != "boom" || !slices.Contains(cellErr.Traceback, "goroutine started at cell 4, line 2") {
		t.Errorf("cell 4: %#v", err)
	}
	// It ends the cell at once, even when the cell waits for the goroutine.
	_, err = s.Execute(ctx, 41, "var wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tpanic(\"forgot Done\")\n}()\nwg.Wait()")
	if !errors.As(err, &cellErr) || cellErr.Name != "panic" || cellErr.Value != "forgot Done" {
		t.Errorf("cell 41: %#v", err)
	}
	// After the cell, it goes to standard error.
	if _, err := s.Execute(ctx, 5, "go func() {\n\ttime.Sleep(200 * time.Millisecond)\n\tpanic(\"late\")\n}()"); err != nil {
		t.Errorf("cell 5: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(contents(t, stderr), "goroutine started at cell 5, line 1") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := contents(t, stderr); !strings.Contains(got, "panic: late") {
		t.Errorf("stderr = %q", got)
	}

	_, err = s.Execute(ctx, 6, "os.Exit(3)")
	if !errors.As(err, &cellErr) || cellErr.Name != "Exit" {
		t.Errorf("cell 6: %v", err)
	}

	// A panic in the cell's goroutine: yaegi's frames are in the error's
	// traceback, in cell coordinates, each at its line (the panicking
	// statement, then the call), and not on standard error.
	_, err = s.Execute(ctx, 7, "func store(m map[string]int) {\n\tn := 1\n\tm[\"a\"] = n\n}\nvar nilMap map[string]int\nstore(nilMap)")
	if !errors.As(err, &cellErr) || cellErr.Name != "panic" || cellErr.Value != "assignment to entry in nil map" {
		t.Errorf("cell 7: %v", err)
	} else if want := []string{"panic: assignment to entry in nil map", "  in store (cell 7, line 3)", "  in cell 7, line 6"}; !slices.Equal(cellErr.Traceback[:min(3, len(cellErr.Traceback))], want) {
		t.Errorf("cell 7: traceback %q, want it to begin with %q", cellErr.Traceback, want)
	}
	if got := contents(t, stderr); strings.Contains(got, "store") {
		t.Errorf("the panic's frames went to standard error as well: %q", got)
	}

	if _, err := s.Execute(ctx, 8, "fmt.Fprintln(os.Stderr, \"direct\")"); err != nil {
		t.Errorf("cell 8: %v", err)
	}
	if got := contents(t, stderr); !strings.Contains(got, "direct\n") {
		t.Errorf("os.Stderr did not reach the cell's standard error: %q", got)
	}

	if names := s.Names(); !slices.Contains(names, "x") || slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "_gl_") }) {
		t.Errorf("Names() = %v", names)
	}
	if m, _, _ := s.Complete("var wg sync.WaitGroup\nwg.", 26); !slices.Contains(m, "Wait") {
		t.Errorf("Complete: %v", m)
	}
}

// TestRawMode runs cells with yaegi alone (GOPHERLAB_FRONTEND=off): a value
// comes back, and an error is reported in cell coordinates, not a crash.
func TestRawMode(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	s, err := New(Options{Stdout: devnull, Stderr: devnull, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r, err := s.Execute(ctx, 1, "20 + 22"); err != nil || !r.Ok || r.Value != 42 {
		t.Errorf("20 + 22 = %v, %v", r.Value, err)
	}
	_, err = s.Execute(ctx, 2, "x := 1\nundefinedName + x")
	if err == nil || !strings.Contains(err.Error(), "cell 2, line 2") {
		t.Errorf("error %v, want one at cell 2, line 2", err)
	}
}

// TestExitRunsNoDeferredCalls: os.Exit and log.Fatal end the cell as they
// end a Go program, without running deferred calls (in the cell or in the
// goroutine that calls it), and the session goes on.
func TestExitRunsNoDeferredCalls(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cells := []struct {
		src  string
		code string
	}{
		{"defer fmt.Println(\"deferred\")\nos.Exit(3)", "os.Exit(3)"},
		{"func f() {\n\tdefer fmt.Println(\"deferred in f\")\n\tos.Exit(4)\n}\nf()", "os.Exit(4)"},
		{"var wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tdefer fmt.Println(\"deferred in goroutine\")\n\tos.Exit(5)\n}()\nwg.Wait()", "os.Exit(5)"},
		{"defer fmt.Println(\"deferred\")\nlog.Fatal(\"fatal\")", "os.Exit(1)"},
	}
	for i, c := range cells {
		_, err := s.Execute(ctx, i+1, c.src)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "Exit" || !strings.Contains(cellErr.Value, c.code) {
			t.Errorf("cell %d: %v, want an Exit error with %s", i+1, err, c.code)
		}
	}
	if _, err := s.Execute(ctx, 9, "fmt.Println(\"after\")"); err != nil {
		t.Fatal(err)
	}
	if got := contents(t, stdout); got != "after\n" {
		t.Errorf("stdout = %q, want only the last cell's output", got)
	}
}

// TestRuntimePanicTexts: a run-time panic that a cell or its goroutine
// leaves unrecovered reads as Go's, not as reflect's.
func TestRuntimePanicTexts(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const nilDeref = "runtime error: invalid memory address or nil pointer dereference"
	for i, c := range []struct{ src, want string }{
		{"type pair struct{ a, b int }\nvar p *pair\nfmt.Println(p.a)", nilDeref},
		{"var q *pair\nq.b = 1", nilDeref},
		{"done := make(chan bool)\ngo func() {\n\tdefer close(done)\n\tvar r *pair\n\tfmt.Println(r.a)\n}()\n<-done\ntime.Sleep(50 * time.Millisecond)", nilDeref},
		{"var xs []int\nfmt.Println(xs[3])", "runtime error: index out of range (the interpreter does not know the index and the length; %%run gives Go's exact message)"},
	} {
		_, err := s.Execute(ctx, i+1, c.src)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "panic" || cellErr.Value != c.want {
			t.Errorf("cell %d: %#v, want a panic %q", i+1, err, c.want)
		}
	}
}

// TestPastedProgram: a cell that holds a whole program runs main once,
// and a panic in it names main and the panicking line in cell coordinates.
func TestPastedProgram(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := s.Execute(ctx, 1, "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"main ran\")\n}\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, 2, "fmt.Println(\"cell 2\")"); err != nil {
		t.Fatal(err)
	}
	if got := contents(t, stdout); got != "main ran\ncell 2\n" {
		t.Errorf("stdout = %q", got)
	}
	_, err := s.Execute(ctx, 3, "package main\n\nfunc main() {\n\tfmt.Print()\n\tpanic(\"boom\")\n}\n")
	var cellErr *Error
	if !errors.As(err, &cellErr) || cellErr.Value != "boom" {
		t.Fatalf("cell 3: %v", err)
	}
	if want := []string{"panic: boom", "  in main (cell 3, line 5)", "  in cell 3"}; !slices.Equal(cellErr.Traceback[:min(3, len(cellErr.Traceback))], want) {
		t.Errorf("traceback = %q, want %q", cellErr.Traceback, want)
	}
}

// TestDeclaredAfterPanic: a cell whose statements panic or are interrupted
// still declared its functions and types (Result.Declared), as in a Go
// program; a cell that does not compile declared nothing.
func TestDeclaredAfterPanic(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx := context.Background()
	res, err := s.Execute(ctx, 1, "type T struct{}\nfunc (T) M() int { return 7 }\nvar m map[string]int\nm[\"x\"] = 1")
	if err == nil || !res.Declared {
		t.Fatalf("cell 1: declared %v, err %v", res.Declared, err)
	}
	if res, err := s.Execute(ctx, 2, "T{}.M()"); err != nil || res.Value != 7 || !res.Declared {
		t.Fatalf("cell 2 uses what cell 1 declared: %+v, %v", res, err)
	}
	if res, err := s.Execute(ctx, 3, "func g() int { return undefinedName }"); err == nil || res.Declared {
		t.Fatalf("cell 3 does not compile: declared %v, err %v", res.Declared, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // interrupt once the cell runs (it says so)
		for !strings.Contains(contents(t, stdout), "started") && cctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
		s.Interrupt()
	}()
	if res, err := s.Execute(cctx, 4, "func h() {}\nfmt.Println(\"started\")\ntime.Sleep(time.Hour)"); err == nil || !res.Declared {
		t.Fatalf("cell 4, interrupted: declared %v, err %v", res.Declared, err)
	}
}

// TestCellClosesStdout: a cell that closes os.Stdout closes its own file,
// as a Go program does (fmt.Println fails from then on, with Go's error),
// not the session's: what the kernel writes there (magics, %%run, reports)
// still arrives.
func TestCellClosesStdout(t *testing.T) {
	s, stdout, stderr := newTestSession(t)
	ctx := context.Background()
	for i, src := range []string{
		`import ("fmt"; "log"; "os")`,
		"out := os.Stdout\nfmt.Println(\"before\")\nout.Close()\n_, err := fmt.Println(\"after\")\nmsg := fmt.Sprint(err)",
		"os.Stderr.Close()\nlog.Print(\"lost\")",
	} {
		if _, err := s.Execute(ctx, i+1, src); err != nil {
			t.Fatalf("cell %d: %v", i+1, err)
		}
	}
	r, err := s.Execute(ctx, 4, "msg")
	if err != nil || r.Value != "write /dev/stdout: file already closed" {
		t.Errorf("fmt.Println's error after os.Stdout.Close() = %v (%v), want Go's", r.Value, err)
	}
	if _, err := stdout.WriteString("kernel\n"); err != nil {
		t.Errorf("the session's stdout after a cell closed os.Stdout: %v", err)
	}
	if got := contents(t, stdout); got != "before\nkernel\n" {
		t.Errorf("stdout = %q, want the line before the close, then the kernel's", got)
	}
	want := "note: a cell closed os.Stdout: as in a Go program, what the cells print there goes nowhere from now on (%reset starts a fresh interpreter)\n" +
		"note: a cell closed os.Stderr: as in a Go program, what the cells print there goes nowhere from now on (%reset starts a fresh interpreter)\n"
	if got := contents(t, stderr); got != want {
		t.Errorf("stderr = %q, want each note once and nothing from log, which writes to the closed os.Stderr", got)
	}
}
