package wordcount

import "sync"

// WordCount counts the words of docs, calling countDoc on mappers documents at a time.
func WordCount(docs [][]string, mappers int, countDoc func(doc []string) map[string]int) map[string]int {
	merged := make(map[string]int)
	var mu sync.Mutex
	queue := make(chan []string)
	var wg sync.WaitGroup
	for range mappers {
		wg.Go(func() {
			for d := range queue {
				partial := countDoc(d) // outside the lock: the slow part runs in parallel
				mu.Lock()
				for word, n := range partial {
					merged[word] += n
				}
				mu.Unlock()
			}
		})
	}
	for i := range docs {
		queue <- docs[i]
	}
	close(queue)
	wg.Wait()
	return merged
}
