package parallelmap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	xtrace "golang.org/x/exp/trace"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestEdgeCases(t *testing.T) {
	if got := ParallelMap(nil, 4, func(x int) int { return x }); len(got) != 0 {
		t.Errorf("ParallelMap(nil) = %v, want empty", got)
	}
	if got := ParallelMap([]int{1, 2, 3}, 0, func(x int) int { return -x }); !slices.Equal(got, []int{-1, -2, -3}) {
		t.Errorf("ParallelMap with workers = 0 = %v, want [-1 -2 -3] (treat workers < 1 as 1)", got)
	}
	got, err := ParallelMapErr(t.Context(), nil, 4, func(_ context.Context, x int) (int, error) { return x, nil })
	if err != nil || len(got) != 0 {
		t.Errorf("ParallelMapErr(nil) = %v, %v, want empty and nil", got, err)
	}
}

// barrier counts calls in flight. Every call waits until want calls are in
// flight at once (or a fake second passes), so a pool that runs fewer than
// want at once is caught, and so is one that runs more.
type barrier struct {
	want            int64
	inFlight, peak  atomic.Int64
	timedOut        atomic.Int64
	reached         chan struct{}
	closeReachedOne sync.Once
}

func newBarrier(want int) *barrier {
	return &barrier{want: int64(want), reached: make(chan struct{})}
}

func (b *barrier) enter() {
	n := b.inFlight.Add(1)
	for {
		p := b.peak.Load()
		if n <= p || b.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if n >= b.want {
		b.closeReachedOne.Do(func() { close(b.reached) })
	}
	select {
	case <-b.reached:
	case <-time.After(time.Second):
		b.timedOut.Add(1)
	}
	// Stay a little longer: in fake time this lets every goroutine that can
	// start a call do so before any call returns.
	time.Sleep(time.Millisecond)
	b.inFlight.Add(-1)
}

func TestBoundedConcurrency(t *testing.T) {
	cases := []struct{ workers, n int }{{4, 20}, {8, 3}, {1, 5}, {5, 5}}
	for _, c := range cases {
		want := min(c.workers, c.n)
		t.Run(fmt.Sprintf("ParallelMap/workers=%d/n=%d", c.workers, c.n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBarrier(want)
				ParallelMap(ints(c.n), c.workers, func(x int) int { b.enter(); return x })
				checkBarrier(t, b, want)
			})
		})
		t.Run(fmt.Sprintf("ParallelMapErr/workers=%d/n=%d", c.workers, c.n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBarrier(want)
				_, err := ParallelMapErr(t.Context(), ints(c.n), c.workers, func(_ context.Context, x int) (int, error) {
					b.enter()
					return x, nil
				})
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				checkBarrier(t, b, want)
			})
		})
	}
}

func checkBarrier(t *testing.T, b *barrier, want int) {
	t.Helper()
	if p := b.peak.Load(); p != int64(want) {
		t.Errorf("peak calls in flight = %d, want exactly min(workers, len(in)) = %d", p, want)
	}
	if n := b.timedOut.Load(); n > 0 && b.peak.Load() < int64(want) {
		t.Errorf("%d calls waited in vain for %d calls to run at once", n, want)
	}
}

// TestExactTiming: 10 calls of 50 ms on 5 workers take exactly 100 ms of
// (fake) time: two rounds, no more, no less.
func TestExactTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		ParallelMap(ints(10), 5, func(x int) int { time.Sleep(50 * time.Millisecond); return x })
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("ParallelMap: 10 × 50ms on 5 workers took %v, want exactly 100ms", d)
		}
		start = time.Now()
		_, err := ParallelMapErr(t.Context(), ints(10), 5, func(_ context.Context, x int) (int, error) {
			time.Sleep(50 * time.Millisecond)
			return x, nil
		})
		if d := time.Since(start); err != nil || d != 100*time.Millisecond {
			t.Errorf("ParallelMapErr: 10 × 50ms on 5 workers took %v (err %v), want exactly 100ms", d, err)
		}
	})
}

func TestFirstErrorCancelsOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errFirst := errors.New("first failure")
		errLater := errors.New("later failure")
		var cancelled, uncancelled atomic.Int64
		start := time.Now()
		got, err := ParallelMapErr(t.Context(), ints(20), 4, func(ctx context.Context, x int) (int, error) {
			switch x {
			case 2:
				time.Sleep(10 * time.Millisecond)
				return 0, errFirst
			case 3:
				time.Sleep(20 * time.Millisecond)
				return 0, errLater
			}
			select {
			case <-ctx.Done():
				cancelled.Add(1)
				return 0, ctx.Err()
			case <-time.After(time.Hour):
				uncancelled.Add(1)
				return x, nil
			}
		})
		if !errors.Is(err, errFirst) {
			t.Errorf("error = %v, want the first failure (%v)", err, errFirst)
		}
		if got != nil {
			t.Errorf("results = %v, want nil on error", got)
		}
		if n := uncancelled.Load(); n > 0 {
			t.Errorf("%d calls never saw ctx.Done() after the first error", n)
		}
		if cancelled.Load() == 0 {
			t.Errorf("no call observed ctx.Done(): is ctx passed to f?")
		}
		if d := time.Since(start); d > 20*time.Millisecond {
			t.Errorf("ParallelMapErr returned after %v, want right after the error at 10ms and the calls already running", d)
		}
	})
}

func TestParentCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(30*time.Millisecond, cancel)
		_, err := ParallelMapErr(ctx, ints(50), 3, func(ctx context.Context, x int) (int, error) {
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(20 * time.Millisecond):
				return x, nil
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error after cancelling the parent context = %v, want context.Canceled", err)
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

func TestNoLeakAfterError(t *testing.T) {
	base := runtime.NumGoroutine()
	errBoom := errors.New("boom")
	for range 5 {
		_, err := ParallelMapErr(t.Context(), ints(50), 4, func(ctx context.Context, x int) (int, error) {
			if x == 3 {
				return 0, errBoom
			}
			time.Sleep(time.Millisecond)
			return x, nil
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("error = %v, want %v", err, errBoom)
		}
	}
	ParallelMap(ints(50), 4, func(x int) int { return x })
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running 1s after return (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

// spin is CPU-bound busywork that the compiler cannot remove.
func spin(x int) int {
	h := uint32(x) + 1
	for range 1_000_000 {
		h ^= h << 13
		h ^= h >> 17
		h ^= h << 5
	}
	return int(h % 1000)
}

// TestSpeedup: CPU-bound work on 2 workers must run on 2 Ps at once (see
// checkParallel: the scheduler's trace, not the clock).
func TestSpeedup(t *testing.T) {
	in := ints(16)
	want := ParallelMap(in, 1, spin)
	checkParallel(t, func() {
		if got := ParallelMap(in, 2, spin); !slices.Equal(got, want) {
			t.Errorf("2 workers computed %v, want %v", got, want)
		}
	})
}

// checkParallel wants work (code of the learner that should use 2 workers)
// to keep two goroutines running at the same moment for at least 1 ms, as
// the Go scheduler's own trace (runtime/trace) records it. A goroutine that
// holds a P counts as running even while the operating system has its
// thread off the CPU, so a busy machine changes nothing: serial code (or
// code that sets GOMAXPROCS to 1, or serialises its workers with a lock)
// never runs two goroutines at once, and parallel code does. It measures up
// to 5 times and passes on the first measurement that shows it. Garbage
// collection is off meanwhile, so that its workers do not count.
func checkParallel(t *testing.T, work func()) {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var best, total time.Duration
	for round := range 5 {
		both, took := parallelTime(t, work)
		t.Logf("round %d: two goroutines running at once for %v of %v", round, both, took)
		if both > best {
			best, total = both, took
		}
		if best >= time.Millisecond {
			return
		}
	}
	t.Fatalf("the work never ran on 2 Ps at once: at best two goroutines were running together for %v of %v (the scheduler's trace); want ≥ 1ms: the workers run one after another", best, total)
}

// parallelTime runs work under runtime/trace and returns how long two or
// more of the work's goroutines (the calling one and those created during
// the work) were running at once, and how long the trace lasted. Goroutines
// that existed before (the tracer's own) do not count.
func parallelTime(t *testing.T, work func()) (both, total time.Duration) {
	t.Helper()
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Fatalf("runtime/trace: %v", err)
	}
	trace.Log(context.Background(), "gopherlab", "work")
	work()
	trace.Stop()
	r, err := xtrace.NewReader(&buf)
	if err != nil {
		t.Fatalf("reading the trace: %v", err)
	}
	running := map[xtrace.GoID]bool{}
	mine := map[xtrace.GoID]bool{} // the work's goroutines
	var first, last xtrace.Time
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the trace: %v", err)
		}
		if ev.Kind() == xtrace.EventLog && ev.Log().Category == "gopherlab" {
			mine[ev.Goroutine()] = true
			first = ev.Time()
		}
		if first == 0 {
			continue
		}
		if len(running) >= 2 {
			both += time.Duration(ev.Time() - last)
		}
		last = ev.Time()
		if ev.Kind() != xtrace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != xtrace.ResourceGoroutine {
			continue
		}
		from, to := st.Goroutine()
		id := st.Resource.Goroutine()
		if from == xtrace.GoNotExist {
			mine[id] = true
		}
		if !mine[id] {
			continue
		}
		switch {
		case to == xtrace.GoRunning:
			running[id] = true
		case from == xtrace.GoRunning:
			delete(running, id)
		}
	}
	return both, time.Duration(last - first)
}
