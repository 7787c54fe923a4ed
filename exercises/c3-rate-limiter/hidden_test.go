package ratelimit

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestRefillsWhileIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewTokenBucket(10, 2)
		defer b.Stop()
		for range 2 {
			b.Wait(t.Context())
		}
		time.Sleep(time.Second) // plenty of time to refill, but only up to burst
		start := time.Now()
		var got []time.Duration
		for range 3 {
			if err := b.Wait(t.Context()); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			got = append(got, time.Since(start))
		}
		if want := []time.Duration{0, 0, 100 * time.Millisecond}; !slices.Equal(got, want) {
			t.Errorf("after a long idle period: Wait returned at %v, want %v (the bucket holds at most burst tokens)", got, want)
		}
	})
}

func TestWaitCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		defer b.Stop()
		if err := b.Wait(t.Context()); err != nil {
			t.Fatalf("first Wait: %v", err)
		}

		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		err := b.Wait(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Wait with a context cancelled after 100ms = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("Wait returned after %v, want at the cancel (100ms)", d)
		}

		ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait with a 300ms deadline and 1 token/s = %v, want context.DeadlineExceeded", err)
		}
	})
}

// TestConcurrentCallers: 20 goroutines share one bucket. Sorted by time, the
// k-th call may not return before (k-burst+1) intervals.
func TestConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const rate, burst, callers = 10, 2, 20
		interval := time.Second / rate
		b := NewTokenBucket(rate, burst)
		defer b.Stop()
		start := time.Now()
		var mu sync.Mutex
		var times []time.Duration
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if err := b.Wait(t.Context()); err != nil {
					t.Errorf("Wait: %v", err)
				}
				mu.Lock()
				times = append(times, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(times)
		for k, got := range times {
			if earliest := time.Duration(max(0, k-burst+1)) * interval; got < earliest {
				t.Fatalf("call %d of %d returned at %v, want ≥ %v: the bucket let calls through faster than %d/s (all: %v)", k+1, callers, got, earliest, rate, times)
			}
		}
		if last, want := times[len(times)-1], time.Duration(callers-burst)*interval; last != want {
			t.Errorf("the last of %d callers returned at %v, want %v", callers, last, want)
		}
	})
}

func TestStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		b.Wait(t.Context())
		errc := make(chan error, 1)
		go func() { errc <- b.Wait(t.Context()) }()
		time.Sleep(100 * time.Millisecond)
		b.Stop()
		b.Stop() // a second Stop must not panic
		if err := <-errc; !errors.Is(err, ErrStopped) {
			t.Errorf("a Wait in progress during Stop returned %v, want ErrStopped", err)
		}
		if err := b.Wait(t.Context()); !errors.Is(err, ErrStopped) {
			t.Errorf("Wait after Stop = %v, want ErrStopped", err)
		}
	})
}

// waitGoroutines polls until the goroutine count is back to base.
func waitGoroutines(base int) int {
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestNoLeakAfterStop uses real time: a bucket that refills from a
// background goroutine must stop that goroutine in Stop.
func TestNoLeakAfterStop(t *testing.T) {
	base := runtime.NumGoroutine()
	for range 3 {
		b := NewTokenBucket(1000, 2)
		for range 5 {
			if err := b.Wait(t.Context()); err != nil {
				t.Fatalf("Wait: %v", err)
			}
		}
		b.Stop()
	}
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after Stop (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
