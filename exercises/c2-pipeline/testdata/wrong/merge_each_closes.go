// want: race|panic
// want-test: TestMergeAll

// Every forwarding goroutine closes the shared output. Under -race the close
// is reported racing with the other forwarders' sends; without -race the
// second close panics.
package pipeline

import "context"

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
	for _, c := range cs {
		go func() {
			defer close(out)
			for n := range c {
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return out
}
