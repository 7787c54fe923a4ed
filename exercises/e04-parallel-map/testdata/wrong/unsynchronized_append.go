// want: race
// want-test: TestOrderPreserved

// Workers append their results to one shared slice with no lock, then the
// slice is sorted by index. The appends race (and can lose results).
package parallelmap

import (
	"context"
	"slices"
	"sync"
)

type pair struct{ i, v int }

func ParallelMap(in []int, workers int, f func(int) int) []int {
	var results []pair
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for i := range jobs {
				results = append(results, pair{i, f(in[i])})
			}
		})
	}
	for i := range in {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	slices.SortFunc(results, func(a, b pair) int { return a.i - b.i })
	out := make([]int, len(in))
	for _, p := range results {
		out[p.i] = p.v
	}
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	var mu sync.Mutex
	var firstErr error
	out := ParallelMap(in, workers, func(x int) int {
		v, err := f(ctx, x)
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}
		return v
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
