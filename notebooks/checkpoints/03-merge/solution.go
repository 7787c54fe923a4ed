package cp03merge

import "sync"

// Merge returns a channel that carries every value of every input channel,
// and is closed once all inputs are closed.
func Merge(inputs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Go(func() {
			for v := range in {
				out <- v
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
