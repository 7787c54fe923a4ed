package parallelmap

import (
	"context"
	"slices"
	"testing"
	"time"
)

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func squares(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i * i
	}
	return s
}

// scramble sleeps a little, longer for small x, so results finish out of order.
func scramble(x int) {
	time.Sleep(time.Duration((x*7919)%13) * 50 * time.Microsecond)
}

// TestOrderPreserved is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestOrderPreserved(t *testing.T) {
	for _, workers := range []int{1, 3, 8, 200} {
		got := ParallelMap(ints(100), workers, func(x int) int {
			scramble(x)
			return x * x
		})
		if want := squares(100); !slices.Equal(got, want) {
			t.Errorf("ParallelMap(0..99, %d workers, square) = %v, want %v", workers, got, want)
		}
		got, err := ParallelMapErr(t.Context(), ints(100), workers, func(_ context.Context, x int) (int, error) {
			scramble(x)
			return x * x, nil
		})
		if err != nil || !slices.Equal(got, squares(100)) {
			t.Errorf("ParallelMapErr(0..99, %d workers, square) = %v, %v, want squares and nil", workers, got, err)
		}
	}
}
