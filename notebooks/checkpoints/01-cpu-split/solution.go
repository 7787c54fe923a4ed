package cp01cpusplit

import "sync"

func isPrime(k int) bool {
	if k < 2 {
		return false
	}
	for d := 2; d <= k/d; d++ { // d <= k/d: d*d <= k without overflow
		if k%d == 0 {
			return false
		}
	}
	return true
}

// CountPrimes returns how many primes are below limit, split over workers goroutines.
func CountPrimes(limit, workers int) int {
	counts := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < limit; k += workers { // interleaved: every worker gets small and large numbers
				if isPrime(k) {
					counts[w]++
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}
