package mapchunks

import "sync"

// MapChunks calls mapChunk on chunks ranges covering 0..n-1, concurrently,
// and returns the sum of the results.
func MapChunks(n, chunks int, mapChunk func(lo, hi int) int64) int64 {
	partial := make([]int64, chunks)
	var wg sync.WaitGroup
	for k := range chunks {
		wg.Go(func() { partial[k] = mapChunk(k*n/chunks, (k+1)*n/chunks) })
	}
	wg.Wait()
	var total int64
	for _, p := range partial {
		total += p
	}
	return total
}
