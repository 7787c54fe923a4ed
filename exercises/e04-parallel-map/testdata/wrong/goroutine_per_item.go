// want: fail
// want-test: TestBoundedConcurrency

// Correct results, but one goroutine per element: workers is ignored and
// everything runs at once.
package parallelmap

import (
	"context"
	"sync"
)

func ParallelMap(in []int, workers int, f func(int) int) []int {
	out := make([]int, len(in))
	var wg sync.WaitGroup
	for i, x := range in {
		wg.Go(func() { out[i] = f(x) })
	}
	wg.Wait()
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]int, len(in))
	errs := make([]error, len(in))
	var wg sync.WaitGroup
	for i, x := range in {
		wg.Go(func() {
			out[i], errs[i] = f(ctx, x)
			if errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
