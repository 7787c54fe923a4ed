package cp00parallelsum

import (
	"runtime"
	"testing"
)

func TestSumLargeManyParts(t *testing.T) {
	xs := make([]int, 100_003)
	want := 0
	for i := range xs {
		xs[i] = i % 97
		want += xs[i]
	}
	for _, parts := range []int{1, 2, 7, 64, 200_000} {
		if got := ParallelSum(xs, parts); got != want {
			t.Errorf("parts=%d: got %d, want %d", parts, got, want)
		}
	}
}

func TestSumUsesGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	xs := make([]int, 1000)
	ParallelSum(xs, 8)
	if after := runtime.NumGoroutine(); after > before+1 {
		t.Errorf("%d goroutines still running after ParallelSum returned", after-before)
	}
}
