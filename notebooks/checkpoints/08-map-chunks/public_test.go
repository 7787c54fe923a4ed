package mapchunks

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// Every index is in exactly one range, and the results are summed.
func TestCoversEveryIndex(t *testing.T) {
	for _, c := range []struct{ n, chunks int }{{100, 4}, {10, 3}, {7, 7}, {1000, 9}} {
		var mu sync.Mutex
		seen := make([]int, c.n)
		got := MapChunks(c.n, c.chunks, func(lo, hi int) int64 {
			mu.Lock()
			defer mu.Unlock()
			var s int64
			for i := lo; i < hi; i++ {
				seen[i]++
				s += int64(i)
			}
			return s
		})
		for i, k := range seen {
			if k != 1 {
				t.Errorf("n=%d chunks=%d: index %d is in %d ranges, want exactly 1", c.n, c.chunks, i, k)
				break
			}
		}
		if want := int64(c.n * (c.n - 1) / 2); got != want {
			t.Errorf("n=%d chunks=%d: MapChunks = %d, want %d", c.n, c.chunks, got, want)
		}
	}
}

// 8 chunks that take one second each finish in one second: all at once.
func TestChunksRunConcurrently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		got := MapChunks(80, 8, func(lo, hi int) int64 {
			time.Sleep(time.Second)
			return int64(hi - lo)
		})
		if got != 80 {
			t.Errorf("MapChunks = %d, want 80", got)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("8 one-second chunks took %v, want 1s (all concurrently)", took)
		}
	})
}
