// Package profiling is about finding and removing a bottleneck.
//
// This file is given. SumSqNaive is correct but slow; profile it, then write
// SumSqFast in solution.go.
package profiling

import "sync"

// chunk returns the bounds of part w of n elements split into parts parts.
// The parts differ in size by at most one and together cover 0..n.
func chunk(n, parts, w int) (lo, hi int) {
	return w * n / parts, (w + 1) * n / parts
}

// SumSqNaive returns the sum of x*x over xs, computed by workers goroutines
// (at least 1) that add every square to one shared total under a mutex.
func SumSqNaive(xs []int, workers int) int {
	if workers < 1 {
		workers = 1
	}
	var (
		mu    sync.Mutex
		total int
		wg    sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		lo, hi := chunk(len(xs), workers, w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range xs[lo:hi] {
				mu.Lock()
				total += x * x
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}
