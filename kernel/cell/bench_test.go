package cell_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// genCell writes a cell of about `lines` lines: a type with methods, a few
// functions with loops, select and goroutines, and top-level statements.
func genCell(k, lines int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "type T%d struct{ mu sync.Mutex; n int }\n", k)
	fmt.Fprintf(&b, "func (t *T%d) Inc() { t.mu.Lock(); t.n++; t.mu.Unlock() }\n", k)
	n := 2
	for i := 0; n < lines-8; i++ {
		fmt.Fprintf(&b, `func f%d_%d(xs []int, ch chan int) int {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	for i := range 3 {
		select {
		case v := <-ch:
			sum += v + i
		default:
		}
	}
	return min(sum, 100)
}
`, k, i)
		n += 13
	}
	fmt.Fprintf(&b, "v%d := &T%d{}\nvar wg%d sync.WaitGroup\nfor i := range 4 {\n\twg%d.Add(1)\n\tgo func() { defer wg%d.Done(); v%d.Inc(); _ = i }()\n}\nwg%d.Wait()\n", k, k, k, k, k, k, k)
	return b.String()
}

// BenchmarkPrepare200In2000 prepares a 200-line cell in a session that
// already has 2,000 lines (ten committed 200-line cells): parse, two
// type-checks of the whole session and the rewrites.
func BenchmarkPrepare200In2000(b *testing.B) {
	s := cell.NewSession(cell.Options{})
	total := 0
	for k := range 10 {
		src := genCell(k, 200)
		total += strings.Count(src, "\n")
		u, err := s.Prepare(k+1, src)
		if err != nil {
			b.Fatal(err)
		}
		s.Commit(u)
	}
	src := genCell(99, 200)
	b.Logf("session %d lines, cell %d lines", total, strings.Count(src, "\n"))
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Prepare(11, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelectFanIn runs a two-way fan-in of 20,000 values through a
// select statement in yaegi, with the front end's select helper.
func BenchmarkSelectFanIn(b *testing.B) {
	r := newRunner(b, true)
	if _, err := r.run(b.Context(), `func fanIn(n int) int {
	a, c := make(chan int, 64), make(chan int, 64)
	go func() { for i := range n { a <- i }; close(a) }()
	go func() { for i := range n { c <- i }; close(c) }()
	got := 0
	for a != nil || c != nil {
		select {
		case _, ok := <-a:
			if !ok { a = nil; continue }
			got++
		case _, ok := <-c:
			if !ok { c = nil; continue }
			got++
		}
	}
	return got
}`); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := r.run(b.Context(), "fanIn(10000)")
		if err != nil || res != "20000" {
			b.Fatal(res, err)
		}
	}
}
