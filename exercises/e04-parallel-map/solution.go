// Package parallelmap applies a function to every element of a slice using a
// fixed number of worker goroutines.
package parallelmap

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// ParallelMap returns f(in[i]) for every i, in input order. At most workers
// calls of f run at the same time (a workers value below 1 counts as 1).
func ParallelMap(in []int, workers int, f func(int) int) []int {
	out := make([]int, len(in))
	workers = max(1, min(workers, len(in)))

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				out[i] = f(in[i]) // each index is written by exactly one worker
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

// ParallelMapErr is ParallelMap for functions that can fail. The first error
// cancels the context passed to the other calls and is returned once every
// started call has returned. On error the result slice is nil.
func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	out := make([]int, len(in))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, workers))
	for i, x := range in {
		if gctx.Err() != nil {
			break // a call failed or ctx was cancelled: start nothing new
		}
		g.Go(func() error {
			v, err := f(gctx, x)
			if err != nil {
				return err
			}
			out[i] = v
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // cancelled before every element was mapped
	}
	return out, nil
}
