package mapchunks

import "sync"

// MapChunks calls mapChunk on chunks ranges covering 0..n-1, concurrently,
// and returns the sum of the results.
func MapChunks(n, chunks int, mapChunk func(lo, hi int) int64) int64 {
	sums := make([]int64, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		wg.Go(func() { sums[c] = mapChunk(c*n/chunks, (c+1)*n/chunks) })
	}
	wg.Wait()
	var total int64
	for _, s := range sums {
		total += s
	}
	return total
}
