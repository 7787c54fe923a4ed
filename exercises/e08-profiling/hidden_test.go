package profiling

import (
	"bytes"
	"context"
	xtrace "golang.org/x/exp/trace"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/trace"
	"sync"
	"testing"
	"time"
)

// TestFasterThanNaive checks the two costs of SumSqNaive that SumSqFast
// must remove, by what the runtime measures, not by the clock alone:
//   - lock waits: with 4 workers, the time goroutines spent blocked on
//     mutexes (runtime/metrics /sync/mutex/wait/total) must stay below a
//     tenth of Naive's, and below 1ms;
//   - the cost per element on one P (GOMAXPROCS 1: no contention, no
//     parallelism, so a busy machine slows both sides alike): the best of 15
//     interleaved runs must be within 3× of plain per-worker sums (refSum).
//     A mutex or an atomic add per element costs 10× or more.
func TestFasterThanNaive(t *testing.T) {
	const workers = 4
	xs := numbers(100_000)
	naiveWait := mutexWait(func() {
		for range 5 {
			SumSqNaive(xs, workers)
		}
	})
	fastWait := mutexWait(func() {
		for range 5 {
			SumSqFast(xs, workers)
		}
	})
	t.Logf("mutex waits: naive %v, fast %v", naiveWait, fastWait)
	if fastWait > time.Millisecond || (naiveWait > 0 && fastWait*10 > naiveWait) {
		t.Errorf("SumSqFast's workers waited %v on locks (SumSqNaive: %v): the hot loop still takes a lock", fastWait, naiveWait)
	}

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const forever = time.Duration(1<<63 - 1)
	bestRef, bestFast := forever, forever
	for range 15 {
		bestRef = min(bestRef, timeIt(func() { refSum(xs, workers) }))
		bestFast = min(bestFast, timeIt(func() { SumSqFast(xs, workers) }))
	}
	ratio := float64(bestFast) / float64(bestRef)
	t.Logf("one P, best of 15: plain per-worker sums %v, SumSqFast %v (%.1f×)", bestRef, bestFast, ratio)
	if ratio > 3 {
		t.Errorf("on one P SumSqFast takes %.1f× as long as plain per-worker sums (%v vs %v), want ≤ 3×: every element still pays for synchronisation (a lock or an atomic)", ratio, bestFast, bestRef)
	}
}

// mutexWait is how long goroutines waited on mutexes while f ran.
func mutexWait(f func()) time.Duration {
	s := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(s)
	before := s[0].Value.Float64()
	f()
	metrics.Read(s)
	return time.Duration((s[0].Value.Float64() - before) * float64(time.Second))
}

// refSum is the reference: the same sum on parts plain goroutines.
func refSum(xs []int, parts int) int {
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			lo, hi := chunk(len(xs), parts, p)
			sum := 0
			for _, x := range xs[lo:hi] {
				sum += x * x
			}
			partial[p] = sum
		})
	}
	wg.Wait()
	return partial[0] + partial[len(partial)-1]
}

// TestFastScales: SumSqFast on 2 workers must run on 2 Ps at once (see
// checkParallel: the scheduler's trace, not the clock).
func TestFastScales(t *testing.T) {
	xs := numbers(2_000_000)
	want := SumSqNaive(xs, 1)
	checkParallel(t, func() {
		for range 5 {
			if got := SumSqFast(xs, 2); got != want {
				t.Errorf("SumSqFast(2 workers) = %d, want %d", got, want)
				return
			}
		}
	})
}

func TestAllocs(t *testing.T) {
	xs := numbers(10_000)
	for _, workers := range []int{1, 4, 8} {
		allocs := testing.AllocsPerRun(20, func() { SumSqFast(xs, workers) })
		if limit := float64(workers + 2); allocs > limit {
			t.Errorf("SumSqFast(%d workers) made %.0f allocations per call, want ≤ workers+2 = %.0f", workers, allocs, limit)
		}
	}
}

func timeIt(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
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
