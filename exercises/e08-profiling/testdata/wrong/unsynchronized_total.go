// want: race
// want-test: TestSameResult

// Drops the mutex from the naive version: every worker does total += x*x on
// one shared variable. Fast, and wrong: a data race that loses updates.
package profiling

import "sync"

func SumSqFast(xs []int, workers int) int {
	workers = max(1, workers)
	total := 0
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := chunk(len(xs), workers, w)
		wg.Go(func() {
			for _, x := range xs[lo:hi] {
				total += x * x
			}
		})
	}
	wg.Wait()
	return total
}
