package cp04loadonce

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLazyConcurrent(t *testing.T) {
	var calls atomic.Int64
	get := Lazy(func() string { calls.Add(1); time.Sleep(10 * time.Millisecond); return "v" })
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if get() != "v" {
				t.Error("a caller got a value before load finished")
			}
		})
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("load ran %d times, want 1", calls.Load())
	}
}
