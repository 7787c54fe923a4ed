package taskmgr

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestWorkersLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(3)
		var mu sync.Mutex
		now, peak := 0, 0
		var ids []int
		for i := range 10 {
			ids = append(ids, mustSubmit(t, m, i%3, func(ctx context.Context) (any, error) {
				mu.Lock()
				now++
				peak = max(peak, now)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
				mu.Lock()
				now--
				mu.Unlock()
				return nil, nil
			}))
		}
		start := time.Now()
		for _, id := range ids {
			m.Wait(id)
		}
		if peak != 3 {
			t.Errorf("%d tasks ran at once on 3 workers, want 3", peak)
		}
		if d := time.Since(start); d != 40*time.Millisecond {
			t.Errorf("10 tasks of 10ms on 3 workers took %v, want 40ms", d)
		}
		shutdown(t, m)
	})
}

func TestCancelPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(1)
		started, release := make(chan struct{}), make(chan struct{})
		mustSubmit(t, m, 0, blocker(started, release))
		<-started

		ran := false
		id := mustSubmit(t, m, 9, func(ctx context.Context) (any, error) {
			ran = true
			return "ran", nil
		})
		if !m.Cancel(id) {
			t.Errorf("Cancel of a pending task = false, want true")
		}
		if _, err := m.Wait(id); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait on a cancelled pending task = %v, want context.Canceled", err)
		}
		close(release)
		shutdown(t, m)
		if ran {
			t.Errorf("a task cancelled while pending ran anyway")
		}
		if m.Cancel(id) {
			t.Errorf("Cancel of a finished task = true, want false")
		}
	})
}

func TestCancelRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(2)
		started := make(chan struct{})
		id := mustSubmit(t, m, 0, func(ctx context.Context) (any, error) {
			close(started)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Hour):
				return "never cancelled", nil
			}
		})
		<-started
		start := time.Now()
		if !m.Cancel(id) {
			t.Errorf("Cancel of a running task = false, want true")
		}
		v, err := m.Wait(id)
		if !errors.Is(err, context.Canceled) || time.Since(start) != 0 {
			t.Errorf("Wait on a cancelled running task = %v, %v after %v; want context.Canceled at once (cancel the task's context)", v, err, time.Since(start))
		}
		shutdown(t, m)
	})
}

func TestPanicBecomesError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(1)
		id := mustSubmit(t, m, 0, func(ctx context.Context) (any, error) { panic("kaboom") })
		if _, err := m.Wait(id); !errors.Is(err, ErrPanic) {
			t.Errorf("Wait on a panicking task = %v, want an error matching ErrPanic", err)
		}
		id = mustSubmit(t, m, 0, func(ctx context.Context) (any, error) { return 42, nil })
		if v, err := m.Wait(id); v != 42 || err != nil {
			t.Errorf("after a panic, the worker should keep going: Wait = %v, %v; want 42, nil", v, err)
		}
		shutdown(t, m)
	})
}

func TestShutdownDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(2)
		var ids []int
		for i := range 4 {
			ids = append(ids, mustSubmit(t, m, 0, func(ctx context.Context) (any, error) {
				time.Sleep(100 * time.Millisecond)
				return i, nil
			}))
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := m.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown = %v, want nil", err)
		}
		if d := time.Since(start); d != 200*time.Millisecond {
			t.Errorf("Shutdown returned after %v, want 200ms (when the 4 queued tasks are done)", d)
		}
		for i, id := range ids {
			if v, err := m.Wait(id); v != i || err != nil {
				t.Errorf("Wait(%d) after Shutdown = %v, %v; want %d, nil", id, v, err, i)
			}
		}
		if _, err := m.Submit(t.Context(), 0, func(context.Context) (any, error) { return nil, nil }); !errors.Is(err, ErrClosed) {
			t.Errorf("Submit after Shutdown = %v, want ErrClosed", err)
		}
	})
}

func TestShutdownDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(1)
		slow := func(ctx context.Context) (any, error) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Hour):
				return "finished", nil
			}
		}
		running := mustSubmit(t, m, 0, slow)
		queued := mustSubmit(t, m, 0, slow)
		time.Sleep(time.Millisecond)

		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		if err := m.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown with a 50ms deadline = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("Shutdown returned after %v, want exactly at its 50ms deadline", d)
		}
		for _, id := range []int{running, queued} {
			if _, err := m.Wait(id); !errors.Is(err, context.Canceled) {
				t.Errorf("task %d after the Shutdown deadline: %v, want context.Canceled", id, err)
			}
		}
	})
}

// TestConcurrentSubmit: many goroutines submit, cancel and wait at once.
func TestConcurrentSubmit(t *testing.T) {
	m := NewManager(4)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			ids := make(map[int]int)
			for i := range 100 {
				want := g*1000 + i
				id, err := m.Submit(t.Context(), r.IntN(10), func(ctx context.Context) (any, error) { return want, nil })
				if err != nil {
					t.Errorf("Submit: %v", err)
					return
				}
				if i%7 == 0 {
					m.Cancel(id)
					continue
				}
				ids[id] = want
			}
			for id, want := range ids {
				if v, err := m.Wait(id); v != want || err != nil {
					t.Errorf("Wait = %v, %v; want %d", v, err, want)
				}
			}
		})
	}
	wg.Wait()
	shutdown(t, m)
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

func TestNoLeakAfterShutdown(t *testing.T) {
	base := runtime.NumGoroutine()
	m := NewManager(4)
	for range 10 {
		mustSubmit(t, m, 0, func(ctx context.Context) (any, error) { return nil, nil })
	}
	shutdown(t, m)
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after Shutdown (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
