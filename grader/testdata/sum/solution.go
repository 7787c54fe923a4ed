// want: pass
package sum

import "sync"

// Sum adds xs using workers goroutines.
func Sum(xs []int, workers int) int {
	var (
		mu    sync.Mutex
		total int
		wg    sync.WaitGroup
	)
	chunk := (len(xs) + workers - 1) / workers
	for lo := 0; lo < len(xs); lo += chunk {
		hi := min(lo+chunk, len(xs))
		wg.Add(1)
		go func(part []int) {
			defer wg.Done()
			s := 0
			for _, x := range part {
				s += x
			}
			mu.Lock()
			total += s
			mu.Unlock()
		}(xs[lo:hi])
	}
	wg.Wait()
	return total
}

// Done closes the returned channel once the work is finished.
func Done() <-chan struct{} {
	ch := make(chan struct{})
	go func() { close(ch) }()
	return ch
}

// Start starts a background helper and returns a function that stops it.
func Start() (stop func()) {
	quit := make(chan struct{})
	go func() { <-quit }()
	return func() { close(quit) }
}
