// want: deadlock
// want-test: TestSum
package sum

// Sum waits for a result nobody sends: every goroutine blocks until the time limit.
func Sum(xs []int, workers int) int {
	results := make(chan int)
	return <-results
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
