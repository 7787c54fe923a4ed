package cp01workerids

import "sync"

// StartWorkers starts n goroutines; worker i calls record(i) exactly once.
// It returns when all of them have finished.
func StartWorkers(n int, record func(id int)) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go func() {
			defer wg.Done()
			record(i)
		}()
	}
	wg.Wait()
}
