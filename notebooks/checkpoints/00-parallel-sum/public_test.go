package cp00parallelsum

import (
	"testing"
)

func TestSumSmall(t *testing.T) {
	for _, c := range []struct {
		xs    []int
		parts int
		want  int
	}{
		{[]int{1, 2, 3, 4}, 2, 10},
		{[]int{5}, 3, 5},
		{nil, 4, 0},
		{[]int{1, 2, 3, 4, 5, 6, 7}, 3, 28},
	} {
		if got := ParallelSum(c.xs, c.parts); got != c.want {
			t.Errorf("ParallelSum(%v, %d) = %d, want %d", c.xs, c.parts, got, c.want)
		}
	}
}
