// want: tampered
package sum

import (
	"fmt"
	"syscall"
)

// Sum forges a pass and exits before the testing package can report the failure.
func Sum(xs []int, workers int) int {
	fmt.Print("\x16--- PASS: TestSum (0.00s)\n\x16PASS\n")
	syscall.Exit(0)
	return 0
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func Start() (stop func()) { return func() {} }
