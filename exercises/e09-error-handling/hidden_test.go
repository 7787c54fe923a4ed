package errhandling

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// failTask returns err after d, or ctx's error if ctx is done first.
func failTask(d time.Duration, err error) Task {
	return func(ctx context.Context) (int, error) {
		select {
		case <-time.After(d):
			return 0, err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// TestRunAllConcurrent: five 100 ms tasks take 100 ms, not 500 ms.
func TestRunAllConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tasks := make([]Task, 5)
		for i := range tasks {
			tasks[i] = sleepTask(100*time.Millisecond, i)
		}
		start := time.Now()
		if _, err := RunAll(t.Context(), tasks, time.Second); err != nil {
			t.Fatalf("RunAll error = %v", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("5 tasks of 100ms took %v, want exactly 100ms (all at once)", d)
		}
	})
}

func TestPanicBecomesError(t *testing.T) {
	tasks := []Task{
		func(context.Context) (int, error) { return 1, nil },
		func(context.Context) (int, error) { panic("boom") },
		func(context.Context) (int, error) { return 3, nil },
	}
	res, err := RunAll(t.Context(), tasks, time.Second)
	if !errors.Is(err, ErrPanic) {
		t.Errorf("RunAll error = %v, want one that matches ErrPanic", err)
	}
	if len(res) != 3 {
		t.Fatalf("RunAll returned %d results for 3 tasks", len(res))
	}
	if !errors.Is(res[1].Err, ErrPanic) || !strings.Contains(res[1].Err.Error(), "boom") {
		t.Errorf("results[1].Err = %v, want an error matching ErrPanic that mentions %q", res[1].Err, "boom")
	}
	if res[0].Value != 1 || res[2].Value != 3 || res[0].Err != nil || res[2].Err != nil {
		t.Errorf("the other tasks were affected by the panic: %+v", res)
	}

	v, err := FirstSuccess(t.Context(), []Task{
		func(context.Context) (int, error) { panic("kaboom") },
		func(context.Context) (int, error) { return 0, errors.New("plain failure") },
	})
	if !errors.Is(err, ErrPanic) || v != 0 {
		t.Errorf("FirstSuccess with a panicking task = %d, %v; want an error matching ErrPanic", v, err)
	}
}

func TestPerTaskTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tasks := []Task{
			sleepTask(10*time.Millisecond, 1),
			sleepTask(time.Hour, 2), // only stops when its context is done
			sleepTask(90*time.Millisecond, 3),
		}
		start := time.Now()
		res, err := RunAll(t.Context(), tasks, 100*time.Millisecond)
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("RunAll took %v, want exactly the 100ms per-task timeout", d)
		}
		if len(res) != 3 {
			t.Fatalf("RunAll returned %d results for 3 tasks", len(res))
		}
		if !errors.Is(res[1].Err, context.DeadlineExceeded) {
			t.Errorf("results[1].Err = %v, want context.DeadlineExceeded", res[1].Err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("RunAll error = %v, want one that matches context.DeadlineExceeded", err)
		}
		if res[0].Value != 1 || res[2].Value != 3 {
			t.Errorf("fast tasks: results = %+v, want values 1 and 3", res)
		}
	})
}

func TestJoinedError(t *testing.T) {
	errA := errors.New("disk full")
	errB := errors.New("connection refused")
	res, err := RunAll(t.Context(), []Task{
		func(context.Context) (int, error) { return 0, errA },
		func(context.Context) (int, error) { return 7, nil },
		func(context.Context) (int, error) { return 0, errB },
	}, time.Second)
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Errorf("RunAll error = %v, want an errors.Join that matches both %q and %q", err, errA, errB)
	}
	if len(res) != 3 {
		t.Fatalf("RunAll returned %d results for 3 tasks", len(res))
	}
	if !errors.Is(res[0].Err, errA) || !errors.Is(res[2].Err, errB) || res[1].Value != 7 || res[1].Err != nil {
		t.Errorf("results = %+v, want errA, 7, errB", res)
	}
}

func TestParentCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		res, err := RunAll(ctx, []Task{sleepTask(time.Hour, 1), sleepTask(10*time.Millisecond, 2)}, time.Second)
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("RunAll returned after %v, want at the cancel (50ms)", d)
		}
		if !errors.Is(err, context.Canceled) || len(res) != 2 || !errors.Is(res[0].Err, context.Canceled) || res[1].Value != 2 {
			t.Errorf("RunAll = %+v, %v; want the slow task cancelled and the fast one done", res, err)
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

func TestFirstSuccessCancelsLosers(t *testing.T) {
	base := runtime.NumGoroutine()
	var cancelled atomic.Int64
	loser := func(ctx context.Context) (int, error) {
		<-ctx.Done()
		cancelled.Add(1)
		return 0, ctx.Err()
	}
	winner := func(ctx context.Context) (int, error) {
		time.Sleep(5 * time.Millisecond)
		return 42, nil
	}
	v, err := FirstSuccess(t.Context(), []Task{loser, loser, winner, loser, loser, loser})
	if v != 42 || err != nil {
		t.Errorf("FirstSuccess = %d, %v; want 42, nil", v, err)
	}
	deadline := time.Now().Add(time.Second)
	for cancelled.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := cancelled.Load(); n != 5 {
		t.Fatalf("%d of 5 losing tasks saw ctx.Done(), want all of them", n)
	}
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running 1s after FirstSuccess returned (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestFirstSuccessSkipsFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		v, err := FirstSuccess(t.Context(), []Task{
			failTask(10*time.Millisecond, errors.New("early failure")),
			sleepTask(20*time.Millisecond, 7),
			sleepTask(time.Hour, 8),
		})
		if v != 7 || err != nil {
			t.Errorf("FirstSuccess = %d, %v; want 7, nil: a failure is not a success", v, err)
		}
		if d := time.Since(start); d != 20*time.Millisecond {
			t.Errorf("FirstSuccess returned after %v, want 20ms (when the first task succeeded)", d)
		}
	})
}

func TestFirstSuccessAllFail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errs := []error{errors.New("a failed"), errors.New("b failed"), errors.New("c failed")}
		v, err := FirstSuccess(t.Context(), []Task{
			failTask(30*time.Millisecond, errs[0]),
			failTask(10*time.Millisecond, errs[1]),
			failTask(20*time.Millisecond, errs[2]),
		})
		if err == nil {
			t.Fatalf("FirstSuccess = %d, nil; want an error when every task fails", v)
		}
		for _, e := range errs {
			if !errors.Is(err, e) {
				t.Errorf("FirstSuccess error = %v; it does not match %q (join every failure)", err, e)
			}
		}
	})
}
