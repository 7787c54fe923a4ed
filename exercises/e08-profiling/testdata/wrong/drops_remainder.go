// want: fail
// want-test: TestSameResult

// Splits the input into len/workers-sized chunks and forgets the elements
// left over when len is not a multiple of workers.
package profiling

import "sync"

func SumSqFast(xs []int, workers int) int {
	n := max(1, workers)
	size := len(xs) / n
	partial := make([]int, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for w := range n {
		go func() {
			defer wg.Done()
			sum := 0
			for _, x := range xs[w*size : (w+1)*size] {
				sum += x * x
			}
			partial[w] = sum
		}()
	}
	wg.Wait()
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}
