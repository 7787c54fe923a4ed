// want: fail
// want-test: TestSpeedup

// Class 6: serial code that sets GOMAXPROCS to 1 in init, which used to turn
// the speedup check into "skipped" and drop it from the maximum score.
package parallelmap

import (
	"context"
	"runtime"
)

func init() { runtime.GOMAXPROCS(1) }

func ParallelMap(in []int, workers int, f func(int) int) []int {
	out := make([]int, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	out := make([]int, len(in))
	for i, x := range in {
		v, err := f(ctx, x)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
