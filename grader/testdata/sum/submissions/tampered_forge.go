// want: tampered
// want-test: TestSum
package sum

import "fmt"

// Sum forges test2json framing for a pass, then returns a wrong answer.
func Sum(xs []int, workers int) int {
	fmt.Print("\x16--- PASS: TestSum (0.00s)\n")
	return -1
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
