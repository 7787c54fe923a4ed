// Package pipeline builds a cancellable pipeline out of channel stages.
package pipeline

import (
	"context"
	"sync"
)

// Gen sends nums on the returned channel, then closes it.
// It stops early, and still closes the channel, when ctx is cancelled.
func Gen(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Sq squares every value it receives from in and sends the result on the
// returned channel. The channel is closed when in is closed or ctx is cancelled.
func Sq(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Merge forwards the values of all cs onto one channel. The channel is closed
// once every input is closed, or once ctx is cancelled and all forwarding
// goroutines have stopped.
func Merge(ctx context.Context, cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			for n := range c {
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
