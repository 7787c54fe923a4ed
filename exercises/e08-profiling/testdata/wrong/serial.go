// want: fail
// want-test: TestFastScales

// Ignores workers and sums in the calling goroutine: much faster than the
// mutex version, but it does not use a second CPU at all.
package profiling

func SumSqFast(xs []int, workers int) int {
	total := 0
	for _, x := range xs {
		total += x * x
	}
	return total
}
