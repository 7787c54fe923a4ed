package cp05orderedpool

import (
	"sync"
)

// MapPool applies f to every element of xs with at most workers goroutines
// running f at a time, and returns the results in input order.
func MapPool(xs []int, workers int, f func(int) int) []int {
	out := make([]int, len(xs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				out[i] = f(xs[i])
			}
		})
	}
	for i := range xs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}
