// want: fail
// want-test: TestAllocs

// Correct and parallel, but it builds a fresh slice per worker to hold the
// squares before adding them up: many allocations per call.
package profiling

import "sync"

func SumSqFast(xs []int, workers int) int {
	n := max(1, workers)
	results := make(chan int, n)
	var wg sync.WaitGroup
	for w := range n {
		lo, hi := chunk(len(xs), n, w)
		wg.Go(func() {
			var squares []int
			for _, x := range xs[lo:hi] {
				squares = append(squares, x*x)
			}
			sum := 0
			for _, s := range squares {
				sum += s
			}
			results <- sum
		})
	}
	wg.Wait()
	close(results)
	total := 0
	for s := range results {
		total += s
	}
	return total
}
