// want: timeout
// want-test: TestSum
package sum

// Sum never finishes its loop.
func Sum(xs []int, workers int) int {
	total := 0
	for i := 0; i < len(xs); i += 0 {
		total += xs[i]
	}
	return total
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
