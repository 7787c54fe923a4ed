// want: fail
// want-test: TestFirstErrorCancelsOthers

// A bounded pool that remembers the first error but never cancels anything,
// so the other calls run to the end.
package parallelmap

import (
	"context"
	"sync"
)

func ParallelMap(in []int, workers int, f func(int) int) []int {
	out, _ := ParallelMapErr(context.Background(), in, workers, func(_ context.Context, x int) (int, error) {
		return f(x), nil
	})
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	out := make([]int, len(in))
	jobs := make(chan int)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for range max(1, min(workers, len(in))) {
		wg.Go(func() {
			for i := range jobs {
				v, err := f(ctx, in[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[i] = v
				mu.Unlock()
			}
		})
	}
	for i := range in {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
