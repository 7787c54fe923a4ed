package pool

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// load tracks how many tasks run at once and how many workers the pool
// reports while they do.
type load struct {
	mu          sync.Mutex
	now, peak   int
	peakWorkers int
}

func (l *load) task(p *Pool, d time.Duration) Task {
	return func(ctx context.Context) {
		l.mu.Lock()
		l.now++
		l.peak = max(l.peak, l.now)
		l.peakWorkers = max(l.peakWorkers, p.Workers())
		l.mu.Unlock()
		time.Sleep(d)
		l.mu.Lock()
		l.now--
		l.mu.Unlock()
	}
}

// TestScalesUpToMax: 20 tasks of 100ms on Min 1, Max 4: the pool grows to 4
// workers, never more, and finishes in 500ms.
func TestScalesUpToMax(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 1, Max: 4, IdleTimeout: time.Second, QueueSize: 100})
		var l load
		start := time.Now()
		for range 20 {
			if err := p.Submit(t.Context(), 0, l.task(p, 100*time.Millisecond)); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
		synctest.Wait()
		if n := p.Workers(); n != 4 {
			t.Errorf("under load the pool has %d workers, want Max = 4", n)
		}
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.peak != 4 || l.peakWorkers > 4 {
			t.Errorf("peak: %d tasks running, %d workers; want 4 and at most 4 (Max)", l.peak, l.peakWorkers)
		}
		if l.now != 0 {
			t.Errorf("%d tasks still running after %v, want all 20 done in 500ms", l.now, time.Since(start))
		}
		closePool(t, p)
	})
}

// TestShrinksToMin: after the load, idle workers retire after IdleTimeout,
// down to Min and never below.
func TestShrinksToMin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const idle = time.Second
		p := NewPool(PoolConfig{Min: 2, Max: 5, IdleTimeout: idle, QueueSize: 100})
		var l load
		for range 10 {
			p.Submit(t.Context(), 0, l.task(p, 100*time.Millisecond))
		}
		time.Sleep(200 * time.Millisecond) // two rounds of 5: all done now
		synctest.Wait()
		if n := p.Workers(); n != 5 {
			t.Fatalf("right after the load: %d workers, want 5", n)
		}
		time.Sleep(idle - time.Millisecond)
		synctest.Wait()
		if n := p.Workers(); n != 5 {
			t.Errorf("just before IdleTimeout: %d workers, want still 5", n)
		}
		time.Sleep(2 * time.Millisecond)
		synctest.Wait()
		if n := p.Workers(); n != 2 {
			t.Errorf("after IdleTimeout: %d workers, want Min = 2", n)
		}
		time.Sleep(10 * idle)
		synctest.Wait()
		if n := p.Workers(); n != 2 {
			t.Errorf("long after: %d workers, want Min = 2 (never below)", n)
		}
		closePool(t, p)
	})
}

func TestPriorityOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 1, Max: 1, IdleTimeout: time.Second, QueueSize: 10})
		release := make(chan struct{})
		p.Submit(t.Context(), 100, func(context.Context) { <-release })
		synctest.Wait()
		var mu sync.Mutex
		var order []string
		for i, prio := range []int{1, 5, 3, 5} {
			name := fmt.Sprintf("p%d#%d", prio, i)
			if err := p.Submit(t.Context(), prio, func(context.Context) {
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
			}); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
		close(release)
		closePool(t, p)
		if want := []string{"p5#1", "p5#3", "p3#2", "p1#0"}; !slices.Equal(order, want) {
			t.Errorf("queued tasks ran in the order %v, want %v", order, want)
		}
	})
}

func TestQueueFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 1, Max: 1, IdleTimeout: time.Second, QueueSize: 2})
		release := make(chan struct{})
		var ran atomic.Int64
		task := func(context.Context) { <-release; ran.Add(1) }
		if err := p.Submit(t.Context(), 0, task); err != nil {
			t.Fatalf("Submit: %v", err)
		}
		synctest.Wait() // the only worker is now busy
		for i := range 2 {
			if err := p.Submit(t.Context(), 0, task); err != nil {
				t.Fatalf("Submit %d into a queue of 2: %v", i+1, err)
			}
		}
		if err := p.Submit(t.Context(), 0, task); !errors.Is(err, ErrQueueFull) {
			t.Errorf("Submit into a full queue = %v, want ErrQueueFull", err)
		}
		close(release)
		closePool(t, p)
		if n := ran.Load(); n != 3 {
			t.Errorf("%d tasks ran, want the 3 accepted ones", n)
		}
	})
}

func TestCloseDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 1, Max: 2, IdleTimeout: time.Second, QueueSize: 10})
		var ran atomic.Int64
		for range 6 {
			p.Submit(t.Context(), 0, func(context.Context) {
				time.Sleep(50 * time.Millisecond)
				ran.Add(1)
			})
		}
		start := time.Now()
		closePool(t, p)
		if n := ran.Load(); n != 6 {
			t.Errorf("Close returned with %d of 6 tasks done, want all (drain the queue)", n)
		}
		if d := time.Since(start); d != 150*time.Millisecond {
			t.Errorf("Close took %v, want 150ms (6 tasks of 50ms on 2 workers)", d)
		}
		if err := p.Submit(t.Context(), 0, func(context.Context) {}); !errors.Is(err, ErrClosed) {
			t.Errorf("Submit after Close = %v, want ErrClosed", err)
		}
		if n := p.Workers(); n != 0 {
			t.Errorf("after Close: %d workers, want 0", n)
		}
	})
}

func TestCloseDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 1, Max: 1, IdleTimeout: time.Second, QueueSize: 10})
		p.Submit(t.Context(), 0, func(context.Context) { time.Sleep(time.Second) })
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close with a 50ms deadline and a 1s task = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("Close returned after %v, want 50ms", d)
		}
		closePool(t, p) // the second Close waits for the task
	})
}

// TestCloseSubmitRace: Close while other goroutines keep submitting. No
// panic, every Submit gets a clear answer, every accepted task runs.
func TestCloseSubmitRace(t *testing.T) {
	for range 20 {
		p := NewPool(PoolConfig{Min: 1, Max: 4, IdleTimeout: time.Millisecond, QueueSize: 8})
		var accepted, ran atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 50 {
					err := p.Submit(t.Context(), 0, func(context.Context) { ran.Add(1) })
					switch {
					case err == nil:
						accepted.Add(1)
					case errors.Is(err, ErrQueueFull), errors.Is(err, ErrClosed):
					default:
						t.Errorf("Submit = %v, want nil, ErrQueueFull or ErrClosed", err)
					}
				}
			})
		}
		time.Sleep(50 * time.Microsecond)
		closePool(t, p)
		wg.Wait()
		if a, r := accepted.Load(), ran.Load(); a != r {
			t.Fatalf("%d tasks were accepted but %d ran", a, r)
		}
	}
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

func TestNoLeakAfterClose(t *testing.T) {
	base := runtime.NumGoroutine()
	p := NewPool(PoolConfig{Min: 2, Max: 6, IdleTimeout: 10 * time.Millisecond, QueueSize: 50})
	for range 30 {
		p.Submit(t.Context(), 0, func(context.Context) { time.Sleep(time.Millisecond) })
	}
	closePool(t, p)
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after Close (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
