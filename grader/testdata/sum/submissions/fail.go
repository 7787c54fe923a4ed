// want: fail
// want-test: TestSum
package sum

// Sum forgets the last element.
func Sum(xs []int, workers int) int {
	total := 0
	for _, x := range xs[:len(xs)-1] {
		total += x
	}
	return total
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
