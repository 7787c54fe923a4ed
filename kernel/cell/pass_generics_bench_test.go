package cell_test

import (
	"runtime"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// The cost pass monomorphize adds to a trivial cell: compare
// BenchmarkPrepareTrivial/plain (a session without generics) with
// /afterGenerics (a session whose earlier cells declared and used generics)
// and /monomorphizeOff (the same session with the pass disabled).
func BenchmarkPrepareTrivial(b *testing.B) {
	generic := []string{
		"type Stack[T any] struct{ items []T }\nfunc (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }",
		"func Map[T, U any](xs []T, f func(T) U) []U { var out []U; for _, x := range xs { out = append(out, f(x)) }; return out }",
		"var s Stack[int]\ns.Push(1)\nys := Map([]int{1, 2}, func(i int) string { return \"x\" })",
	}
	plain := []string{"type Point struct{ X, Y int }", "func add(a, b int) int { return a + b }", "p := Point{1, 2}\nq := add(p.X, p.Y)"}
	run := func(b *testing.B, cells []string, off bool) {
		s := cell.NewSession(cell.Options{})
		if off {
			s.DisablePass("monomorphize")
		}
		for i, src := range cells {
			u, err := s.Prepare(i+1, src)
			if err != nil {
				b.Fatal(err)
			}
			s.Commit(u)
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := s.Prepare(len(cells)+1, "x := 1 + 1\nx"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("plain", func(b *testing.B) { run(b, plain, false) })
	b.Run("afterGenerics", func(b *testing.B) { run(b, generic, false) })
	b.Run("monomorphizeOff", func(b *testing.B) { run(b, generic, true) })
}

// BenchmarkCommitTrivial prepares and commits a trivial cell in a session
// that has already run 3,000 cells: what a cell costs should not grow with
// the cells that declared nothing.
func BenchmarkCommitTrivial(b *testing.B) {
	s := cell.NewSession(cell.Options{})
	n := 0
	step := func(src string) {
		n++
		u, err := s.Prepare(n, src)
		if err != nil {
			b.Fatal(err)
		}
		s.Commit(u)
	}
	step("x := 1")
	for range 3000 {
		step("x + 1")
	}
	b.ResetTimer()
	for b.Loop() {
		step("x + 1")
	}
}

// BenchmarkRetainedTrivial reports what a session keeps of each trivial
// cell: the heap (after a GC) that 10,000 prepared and committed cells
// x + 1 add, divided by 10,000.
func BenchmarkRetainedTrivial(b *testing.B) {
	const cells = 10000
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := cell.NewSession(cell.Options{})
		for i := range cells + 1 {
			src := "x + 1"
			if i == 0 {
				src = "x := 1"
			}
			u, err := s.Prepare(i+1, src)
			if err != nil {
				b.Fatal(err)
			}
			s.Commit(u)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/cells, "live-B/cell")
		runtime.KeepAlive(s)
	}
}
