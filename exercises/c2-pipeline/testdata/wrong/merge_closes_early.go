// want: fail
// want-test: TestMergeSlowInput

// Merge closes its output as soon as the first input is finished, dropping the rest.
package pipeline

import (
	"context"
	"sync"
)

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

func Merge(ctx context.Context, cs ...<-chan int) <-chan int {
	out := make(chan int)
	firstDone := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			defer once.Do(func() { close(firstDone) })
			for {
				select {
				case n, ok := <-c:
					if !ok {
						return
					}
					select {
					case out <- n:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				case <-firstDone:
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
