package cp03merge

import (
	"testing"
	"time"
)

func TestMergeInterleaves(t *testing.T) {
	slow := make(chan int) // never sends until the fast value arrived
	fast := feedInts(42)
	out := Merge(slow, fast)
	select {
	case v := <-out:
		if v != 42 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a value from one input waited for another input: read the inputs concurrently")
	}
	close(slow)
	for range out {
	}
}

func TestMergeNone(t *testing.T) {
	select {
	case _, ok := <-Merge():
		if ok {
			t.Fatal("a value from no inputs")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Merge() with no inputs never closed its channel")
	}
}
