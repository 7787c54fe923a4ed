// want: fail
// want-test: TestFastScales

// Ignores workers and sums in the calling goroutine: much faster than the
// mutex version, but it does not use a second CPU at all. Only the speedup
// test can see that; on a machine too busy to show any speedup, that test
// skips instead of failing.
package profiling

func SumSqFast(xs []int, workers int) int {
	total := 0
	for _, x := range xs {
		total += x * x
	}
	return total
}
