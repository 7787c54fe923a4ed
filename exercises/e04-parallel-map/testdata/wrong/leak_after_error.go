// want: leak
// want-test: TestNoLeakAfterError

// Workers report on an unbuffered channel. On the first error the collector
// returns at once, so the workers still holding results block forever.
package parallelmap

import (
	"context"
	"sync"
)

type result struct {
	i, v int
	err  error
}

func ParallelMap(in []int, workers int, f func(int) int) []int {
	out := make([]int, len(in))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(in))) {
		wg.Go(func() {
			for i := range jobs {
				out[i] = f(in[i])
			}
		})
	}
	for i := range in {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int, len(in))
	for i := range in {
		jobs <- i
	}
	close(jobs)
	results := make(chan result)
	for range max(1, min(workers, len(in))) {
		go func() {
			for i := range jobs {
				v, err := f(ctx, in[i])
				results <- result{i, v, err}
			}
		}()
	}
	out := make([]int, len(in))
	for range in {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		out[r.i] = r.v
	}
	return out, nil
}
