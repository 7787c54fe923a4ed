package cp01cpusplit

import (
	"testing"
)

func TestPrimesLarger(t *testing.T) {
	for _, w := range []int{1, 2, 5, 16} {
		if got := CountPrimes(100_000, w); got != 9592 {
			t.Errorf("CountPrimes(100000, %d) = %d, want 9592", w, got)
		}
	}
}
