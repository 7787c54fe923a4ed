package ratelimit

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// TestBurstThenSpacing is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestBurstThenSpacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewTokenBucket(5, 3) // 3 at once, then one every 200ms
		defer b.Stop()
		start := time.Now()
		var got []time.Duration
		for range 8 {
			if err := b.Wait(t.Context()); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			got = append(got, time.Since(start))
		}
		ms := time.Millisecond
		want := []time.Duration{0, 0, 0, 200 * ms, 400 * ms, 600 * ms, 800 * ms, 1000 * ms}
		if !slices.Equal(got, want) {
			t.Errorf("rate 5/s, burst 3: Wait returned at %v, want %v", got, want)
		}
	})
}
