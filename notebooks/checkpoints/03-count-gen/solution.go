package cp03countgen

import "context"

// Count returns a channel that yields 0, 1, ..., n-1 and is then closed. If
// ctx ends first, the goroutine behind it stops and closes the channel.
func Count(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range n {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
