package cp01cpusplit

import (
	"testing"
)

func TestPrimesSmall(t *testing.T) {
	for _, c := range []struct{ limit, workers, want int }{{10, 1, 4}, {10, 3, 4}, {100, 4, 25}, {2, 8, 0}} {
		if got := CountPrimes(c.limit, c.workers); got != c.want {
			t.Errorf("CountPrimes(%d, %d) = %d, want %d", c.limit, c.workers, got, c.want)
		}
	}
}
