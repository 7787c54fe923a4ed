// want: fail
// want-test: TestExactTiming

// Right answers, computed one at a time in the caller's goroutine.
package parallelmap

import "context"

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
