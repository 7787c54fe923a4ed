// want: race
// want-test: TestSum
package sum

import "sync"

// Sum adds into a shared total without a lock.
func Sum(xs []int, workers int) int {
	total := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(xs); i += workers {
				total += xs[i]
			}
		}(w)
	}
	wg.Wait()
	return total
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
