package wordcount

import "sync"

// WordCount counts the words of docs, calling countDoc on mappers documents at a time.
func WordCount(docs [][]string, mappers int, countDoc func(doc []string) map[string]int) map[string]int {
	total := map[string]int{}
	var mu sync.Mutex
	next := make(chan []string)
	var wg sync.WaitGroup
	for range mappers {
		wg.Go(func() {
			for doc := range next {
				part := countDoc(doc)
				mu.Lock()
				for w, c := range part {
					total[w] += c
				}
				mu.Unlock()
			}
		})
	}
	for _, doc := range docs {
		next <- doc
	}
	close(next)
	wg.Wait()
	return total
}
