package mapchunks

import (
	"sync/atomic"
	"testing"
)

func TestUnevenAndEmpty(t *testing.T) {
	var calls atomic.Int32
	got := MapChunks(0, 3, func(lo, hi int) int64 {
		calls.Add(1)
		if lo != 0 || hi != 0 {
			t.Errorf("n=0: range [%d, %d)", lo, hi)
		}
		return 0
	})
	if got != 0 {
		t.Errorf("n=0: MapChunks = %d", got)
	}
	if got := MapChunks(5, 1, func(lo, hi int) int64 { return int64(hi - lo) }); got != 5 {
		t.Errorf("one chunk: MapChunks = %d, want 5", got)
	}
}

func TestRaceFree(t *testing.T) {
	xs := make([]int64, 100_000)
	for i := range xs {
		xs[i] = int64(i % 7)
	}
	var want int64
	for _, x := range xs {
		want += x
	}
	got := MapChunks(len(xs), 16, func(lo, hi int) int64 {
		var s int64
		for _, x := range xs[lo:hi] {
			s += x
		}
		return s
	})
	if got != want {
		t.Errorf("MapChunks = %d, want %d", got, want)
	}
}
