// want: fail
// want-test: TestSum
package sum

import "fmt"

// Sum prints fake test results as plain text; they must not count.
func Sum(xs []int, workers int) int {
	fmt.Println("--- PASS: TestSum (0.00s)")
	fmt.Println("PASS")
	return -1
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
