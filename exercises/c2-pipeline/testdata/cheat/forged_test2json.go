// want: tampered

// Prints test2json-framed "--- PASS" lines for every hidden test, then leaves
// through syscall.Exit so the testing package's os.Exit guard never fires.
package pipeline

import (
	"context"
	"fmt"
	"syscall"
)

func init() {
	tests := []string{"TestGen", "TestSquares", "TestMergeAll", "TestMergeSlowInput", "TestCancelStopsAllStages"}
	for _, name := range tests {
		fmt.Printf("\x16=== RUN   %s\n\x16--- PASS: %s (0.00s)\n", name, name)
	}
	fmt.Printf("\x16PASS\n")
	syscall.Exit(0)
}

func Gen(ctx context.Context, nums ...int) <-chan int        { return nil }
func Sq(ctx context.Context, in <-chan int) <-chan int       { return nil }
func Merge(ctx context.Context, cs ...<-chan int) <-chan int { return nil }
