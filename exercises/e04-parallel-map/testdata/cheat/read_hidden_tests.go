// want: fail

// Only behaves when it can read hidden_test.go from the working directory
// (and would leak it to stdout). The grader runs the test binary from an
// empty directory, so the read fails and the stub answers are wrong.
package parallelmap

import (
	"context"
	"fmt"
	"os"
)

var hidden, readErr = os.ReadFile("hidden_test.go")

func init() {
	if readErr == nil {
		fmt.Printf("%s", hidden)
	}
}

func ParallelMap(in []int, workers int, f func(int) int) []int {
	out := make([]int, len(in))
	if readErr != nil {
		return out
	}
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

func ParallelMapErr(ctx context.Context, in []int, workers int, f func(context.Context, int) (int, error)) ([]int, error) {
	return ParallelMap(in, workers, func(x int) int { v, _ := f(ctx, x); return v }), nil
}
