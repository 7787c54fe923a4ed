package profiling

import (
	"testing"
)

func numbers(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i%2001 - 1000
	}
	return xs
}

// TestSameResult is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestSameResult(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 100_003} {
		xs := numbers(n)
		want := SumSqNaive(xs, 1)
		for _, workers := range []int{0, 1, 2, 3, 4, 8, 13} {
			if got := SumSqFast(xs, workers); got != want {
				t.Errorf("SumSqFast(%d numbers, %d workers) = %d, want %d", n, workers, got, want)
			}
		}
	}
}
