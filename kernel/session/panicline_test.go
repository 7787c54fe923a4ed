package session

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// A panicKind is a statement that panics, and what the function needs
// before it (lines that cannot panic).
type panicKind struct {
	name  string
	setup []string
	stmt  string
	value string // a piece of the panic's message
}

var panicKinds = []panicKind{
	{"explicit", nil, `panic("boom")`, "boom"},
	{"index", []string{"s := []int{1}"}, "_ = s[n+5]", "index out of range"},
	{"nil map", []string{"var m map[string]int"}, `m["k"] = n`, "assignment to entry in nil map"},
	{"nil pointer", []string{"var p *point"}, "_ = p.x", "nil pointer dereference"},
	{"divide", []string{"d := n - n"}, "_ = n / d", "integer divide by zero"},
	{"compiled", []string{"var wg sync.WaitGroup"}, "wg.Done()", "negative WaitGroup counter"},
	{"close", []string{"var c chan int"}, "close(c)", "close of nil channel"},
	{"assert", []string{"var v any = n"}, "_ = v.(string)", "interface conversion"},
}

// filler returns k lines that cannot panic (no index, map write,
// dereference, division or call that could be the one).
func filler(r *rand.Rand, k int) []string {
	var out []string
	for range k {
		switch r.IntN(3) {
		case 0:
			out = append(out, fmt.Sprintf("n += %d", r.IntN(9)+1))
		case 1:
			out = append(out, "_ = strconv.Itoa(n)")
		default:
			out = append(out, "if n < 0 {", "\tn = 0", "}")
		}
	}
	return out
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "\t" + l
	}
	return out
}

// TestPanicLines runs 24 sessions, each with a function declared in an
// earlier cell that panics at a line placed at random among lines that
// cannot panic, called from a function or a method of another cell, from a
// cell's statements or a goroutine a cell starts. The traceback must name
// each frame's line in cell coordinates, as computed from the cells here.
func TestPanicLines(t *testing.T) {
	for i := range 24 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 9))
			kind := panicKinds[i%len(panicKinds)]
			s, _, _ := newTestSession(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			n := 0
			run := func(src string) error {
				n++
				_, err := s.Execute(ctx, n, src)
				return err
			}
			for range r.IntN(3) { // cells before, so that cell numbers vary
				if err := run(fmt.Sprintf("x%d := %d", n, n)); err != nil {
					t.Fatal(err)
				}
			}
			// The panicking function, below a few declarations.
			pre := []string{"type point struct{ x int }", ""}
			for range r.IntN(3) {
				pre = append(pre, fmt.Sprintf("const k%d = %d", len(pre), len(pre)), "")
			}
			body := slices.Concat(filler(r, r.IntN(4)), kind.setup, filler(r, r.IntN(3)))
			panicLine := len(pre) + 1 + len(body) + 1
			body = slices.Concat(body, []string{kind.stmt}, filler(r, r.IntN(3)), []string{"return n"})
			inner := slices.Concat(pre, []string{"func inner(n int) int {"}, indent(body), []string{"}"})
			if err := run(strings.Join(inner, "\n")); err != nil {
				t.Fatalf("cell %d: %v", n, err)
			}
			innerCell := n
			// The caller: a function or a method, in a later cell.
			method := r.IntN(2) == 0
			head, callee := "func outer(n int) int {", "outer"
			if method {
				head, callee = "type runner struct{}\n\nfunc (runner) outer(n int) int {", "runner.outer"
			}
			obody := filler(r, r.IntN(4))
			callLine := strings.Count(head, "\n") + 1 + len(obody) + 1
			obody = slices.Concat(obody, []string{"n = inner(n)"}, filler(r, r.IntN(3)), []string{"return n"})
			if err := run(strings.Join(slices.Concat([]string{head}, indent(obody), []string{"}"}), "\n")); err != nil {
				t.Fatalf("cell %d: %v", n, err)
			}
			outerCell := n
			call := "outer(1)"
			if method {
				call = "runner{}.outer(1)"
			}
			want := []string{
				fmt.Sprintf("  in inner (cell %d, line %d)", innerCell, panicLine),
				fmt.Sprintf("  in %s (cell %d, line %d)", callee, outerCell, callLine),
			}
			last := append([]string{"n := 0"}, filler(r, r.IntN(3))...)
			lastCell := n + 1
			if r.IntN(2) == 0 { // from the cell's statements
				want = append(want, fmt.Sprintf("  in cell %d, line %d", lastCell, len(last)+1))
				last = append(last, call)
			} else { // from a goroutine the cell starts
				goLine := len(last) + 2
				lit := slices.Concat(indent(filler(r, r.IntN(3))), []string{"\t" + call, "\tclose(done)", "}()", "<-done"})
				want = append(want,
					fmt.Sprintf("  in the function literal of line %d (cell %d, line %d)", goLine, lastCell, goLine+slices.Index(lit, "\t"+call)+1),
					"", fmt.Sprintf("goroutine started at cell %d, line %d", lastCell, goLine))
				last = slices.Concat(last, []string{"done := make(chan bool)", "go func() {"}, lit)
			}
			src := strings.Join(last, "\n")
			err := run(src)
			var cellErr *Error
			if !errors.As(err, &cellErr) || cellErr.Name != "panic" || !strings.Contains(cellErr.Value, kind.value) {
				t.Fatalf("%s: the last cell did not panic with %q: %v", kind.name, kind.value, err)
			}
			if got := cellErr.Traceback[1:]; !slices.Equal(got, want) {
				t.Errorf("%s panic: traceback\n%s\nwant\n%s\n\ncell %d:\n%s\n\ncell %d:\n%s\n\ncell %d:\n%s", kind.name,
					strings.Join(got, "\n"), strings.Join(want, "\n"),
					innerCell, numbered(strings.Join(inner, "\n")), outerCell, "...", lastCell, numbered(src))
			}
		})
	}
}

func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(src, "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

// TestPanicLinesCases: calls the random sessions do not make. Where more
// than one line fits, the traceback names them all, never one of them
// alone; a frame yaegi does not write (a function whose deferred call
// panicked) is left out rather than guessed.
func TestPanicLinesCases(t *testing.T) {
	runPanicCells(t, []panicCell{
		{"func two(n int) {\n\tif n > 0 {\n\t\tpanic(fmt.Sprint(\"first\"))\n\t}\n\tpanic(\"second\")\n}\nfunc twice(n int) {\n\ttwo(1)\n\ttwo(n)\n}", nil},
		// Two calls of two: both lines are named. The constant "second"
		// is not the value: only line 3 fits.
		{"twice(0)", []string{"  in two (cell 1, line 3)", "  in twice (cell 1, line 8 or 9)", "  in cell 2, line 1"}},
		{"func rec(n int) int {\n\tif n == 0 {\n\t\tvar m map[int]int\n\t\tm[0] = 1\n\t}\n\treturn rec(n - 1)\n}\nrec(2)",
			[]string{"  in rec (cell 3, line 4)", "  in rec (cell 3, line 6)", "  in rec (cell 3, line 6)", "  in cell 3, line 8"}},
		{"func withDefer() {\n\tdefer func() {\n\t\tpanic(\"in defer\")\n\t}()\n\tfmt.Println(\"body\")\n}\nwithDefer()",
			[]string{"  in the function literal of line 2 (cell 4, line 3)", "  in cell 4, line 7"}},
		// A method value called through a func parameter.
		{"type T struct{ v []int }\nfunc (t T) At(i int) int {\n\treturn t.v[i]\n}\nfunc apply(f func(int) int) int {\n\treturn f(3)\n}\napply(T{}.At)",
			[]string{"  in T.At (cell 5, line 3)", "  in apply (cell 5, line 6)", "  in cell 5, line 8"}},
		// Compiled code calling back: sort.Slice's less.
		{"xs := []int{2, 1}\nsort.Slice(xs, func(i, j int) bool {\n\treturn T{}.At(i) < 0\n})",
			[]string{"  in T.At (cell 5, line 3)", "  in the function literal of line 2 (cell 6, line 3)", "  in cell 6, line 2"}},
		// go f() with no literal: the go statement is the goroutine's line.
		{"func g2() {\n\tvar a []int\n\t_ = a[1]\n}\ngo g2()\nselect {}",
			[]string{"  in g2 (cell 7, line 3)", "", "goroutine started at cell 7, line 5"}},
		// A panic straight in a goroutine's literal.
		{"go func() {\n\tvar p *T\n\tfmt.Println(p.v)\n}()\nselect {}",
			[]string{"  in the function literal of line 1 (cell 8, line 3)", "", "goroutine started at cell 8, line 1"}},
		// A pasted program's main.
		{"package main\n\nfunc main() {\n\tvar p *T\n\t_ = p.v\n}\n",
			[]string{"  in main (cell 9, line 5)", "  in cell 9"}},
	})
}

// panicCell is a cell of runPanicCells: want is the traceback of its panic
// after the first line, nil when the cell succeeds.
type panicCell struct {
	src  string
	want []string
}

// runPanicCells runs cells 1, 2, ... in one session and checks each one's
// panic traceback.
func runPanicCells(t *testing.T, cells []panicCell) {
	t.Helper()
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, c := range cells {
		n := i + 1
		_, err := s.Execute(ctx, n, c.src)
		if c.want == nil {
			if err != nil {
				t.Fatalf("cell %d: %v", n, err)
			}
			continue
		}
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "panic" {
			t.Fatalf("cell %d: no panic: %v", n, err)
		}
		if got := cellErr.Traceback[1:]; !slices.Equal(got, c.want) {
			t.Errorf("cell %d: traceback\n%s\nwant\n%s\n\n%s", n, strings.Join(got, "\n"), strings.Join(c.want, "\n"), numbered(c.src))
		}
	}
}

// TestPanicLinesAfterRecovered: panics that the cell recovered (more than
// the frames kept) do not crowd out the frames of the one that ends it.
func TestPanicLinesAfterRecovered(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	src := "func safe(f func()) {\n\tdefer func() { recover() }()\n\tf()\n}\nfunc bad() {\n\tpanic(\"bad\")\n}\nfor range 80 {\n\tsafe(bad)\n}\nbad()"
	_, err := s.Execute(ctx, 1, src)
	var cellErr *Error
	if !errors.As(err, &cellErr) || cellErr.Name != "panic" {
		t.Fatalf("no panic: %v", err)
	}
	if want := []string{"  in bad (cell 1, line 6)", "  in cell 1, line 11"}; !slices.Equal(cellErr.Traceback[1:], want) {
		t.Errorf("traceback %q, want %q", cellErr.Traceback[1:], want)
	}
}

// TestDeadlockLines: a deadlock's report says at which line each goroutine
// waits, in the cell's statements or in the function literal a go
// statement started, with the waiting operation placed at random among
// lines that cannot wait; a goroutine that waits inside a function it
// called gets the line of the call.
func TestDeadlockLines(t *testing.T) {
	waits := []struct{ setup, stmt, state, release string }{
		{"ch := make(chan int)", "<-ch", "blocked on chan receive", "close(ch)"},
		{"ch := make(chan int)", "ch <- 1", "blocked on chan send", "select {\ncase <-ch:\ndefault:\n}"},
		{"var mu sync.Mutex\nmu.Lock()", "mu.Lock()", "blocked on mutex (Mutex.Lock)", "mu.Unlock()"},
		{"var wg sync.WaitGroup\nwg.Add(1)", "wg.Wait()", "blocked on WaitGroup.Wait", "wg.Done()"},
		{"ch := make(chan int)", "select {\ncase <-ch:\n}", "blocked in select", "close(ch)"},
	}
	for i := range 10 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 4))
			w := waits[i%len(waits)]
			s, _, _ := newTestSession(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			// In a goroutine's literal, directly (even i) or in a function
			// it calls (odd i); the cell waits on a channel no one sends on.
			lines := slices.Concat([]string{"n := 0"}, filler(r, r.IntN(3)), strings.Split(w.setup, "\n"), filler(r, r.IntN(3)))
			if i%2 == 1 {
				lines = slices.Concat([]string{"func waiting(n int) {"}, indent(strings.Split(w.stmt, "\n")), []string{"}", ""}, lines)
			}
			goLine := len(lines) + 1
			body := indent(filler(r, r.IntN(3)))
			var want string
			if i%2 == 0 {
				want = fmt.Sprintf("[%s]: started at cell 1, line %d, blocked at line %d", w.state, goLine, goLine+len(body)+1)
				body = append(body, indent(strings.Split(w.stmt, "\n"))...)
			} else {
				want = fmt.Sprintf("[%s]: started at cell 1, line %d, blocked in the call at line %d", w.state, goLine, goLine+len(body)+1)
				body = append(body, "\twaiting(n)")
			}
			lines = slices.Concat(lines, []string{"go func() {"}, body, []string{"}()"}, filler(r, r.IntN(3)))
			cellWait := len(lines) + 2
			lines = append(lines, "block := make(chan bool)", "<-block")
			src := strings.Join(lines, "\n")
			_, err := s.Execute(ctx, 1, src)
			var cellErr *Error
			if !errors.As(err, &cellErr) || cellErr.Name != "fatal error" {
				t.Fatalf("no deadlock: %v\n%s", err, numbered(src))
			}
			tb := strings.Join(cellErr.Traceback, "\n")
			for _, want := range []string{want, fmt.Sprintf("[blocked on chan receive]: the cell (cell 1), blocked at line %d", cellWait)} {
				if !strings.Contains(tb, want) {
					t.Errorf("the report has no %q:\n%s\n\n%s", want, tb, numbered(src))
				}
			}
			// Let the goroutines go, so that the next session's report
			// does not list them.
			if _, err := s.Execute(ctx, 2, w.release+"\nclose(block)"); err != nil {
				t.Fatal(err)
			}
			for len(s.track.alive(0)) > 0 && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond) // polling for the goroutine to end
			}
		})
	}
}

// TestPanicLinesRedefined: a function a later cell redefined still runs
// where earlier code calls it, and the units' positions are alike: the
// traceback names the definition whose lines fit the panic, and neither
// cell nor line when both would fit.
func TestPanicLinesRedefined(t *testing.T) {
	runPanicCells(t, []panicCell{
		{"func f() {\n\tpanic(\"old\")\n}\nfunc g() {\n\tf()\n}", nil},
		{"func f() {\n\tpanic(\"new\")\n}", nil},
		{"g()", []string{"  in f (cell 1, line 2)", "  in g (cell 1, line 5)", "  in cell 3, line 1"}},
		{"f()", []string{"  in f (cell 2, line 2)", "  in cell 4, line 1"}},
		{"func f() {\n\tvar a []int\n\t_ = a[0]\n}", nil},
		{"func f() {\n\tvar b []int\n\t_ = b[0]\n}\nf()", []string{"  in f", "  in cell 6, line 5"}},
		// A generic function runs as its concrete copy (pass
		// monomorphize), which a redefinition replaces with a copy of a
		// new name: the line is known even after the redefinition.
		{"func first[T any](xs []T) T {\n\treturn xs[0]\n}\nfirst([]int{})", []string{"  in first (cell 7, line 2)", "  in cell 7, line 4"}},
		{"func first[T any](xs []T) T {\n\treturn xs[1]\n}\nfirst([]int{})", []string{"  in first (cell 8, line 2)", "  in cell 8, line 4"}},
	})
}
