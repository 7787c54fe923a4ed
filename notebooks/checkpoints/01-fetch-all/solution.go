package cp01fetchall

import "sync"

// FetchAll calls fetch for every url concurrently, one goroutine each, and
// returns the results in the order of urls.
func FetchAll(urls []string, fetch func(url string) int) []int {
	results := make([]int, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Go(func() { results[i] = fetch(u) })
	}
	wg.Wait()
	return results
}
