package cp00parallelsum

import "sync"

// ParallelSum adds up xs using parts goroutines, each summing one contiguous
// part of the slice into its own slot; it returns the total.
func ParallelSum(xs []int, parts int) int {
	if parts < 1 {
		parts = 1
	}
	sums := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(xs)/parts, (p+1)*len(xs)/parts
		wg.Go(func() {
			for _, x := range xs[lo:hi] {
				sums[p] += x
			}
		})
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	return total
}
