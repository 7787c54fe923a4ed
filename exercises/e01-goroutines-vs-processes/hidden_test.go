package workers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	xtrace "golang.org/x/exp/trace"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The test binary doubles as the child program for RunProcesses: started as
// "<binary> -e01-helper <mode> <arg>", it does one job and exits.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-e01-helper" {
		os.Exit(helper(os.Args[2:]))
	}
	os.Exit(m.Run())
}

func helper(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: -e01-helper sleep|touch|exit <arg>")
		return 2
	}
	switch args[0] {
	case "sleep":
		d, _ := time.ParseDuration(args[1])
		time.Sleep(d)
	case "touch": // allocate and touch N MiB
		var n int
		fmt.Sscan(args[1], &n)
		buf := make([]byte, n<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		fmt.Fprintln(os.Stderr, buf[len(buf)/2])
	case "gate": // args[1] = "dir:n": wait until n helpers are running at once
		dir, n, _ := strings.Cut(args[1], ":")
		return gate(dir, atoiOr(n, 1), true)
	case "cap": // args[1] = "dir:n": fail if more than n helpers run at once
		dir, n, _ := strings.Cut(args[1], ":")
		return gate(dir, atoiOr(n, 1), false)
	case "exit":
		var code int
		fmt.Sscan(args[1], &code)
		return code
	}
	return 0
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// gate marks this helper as running with a file in dir. With wait, it waits
// (up to 10s) until n helpers are running at once and fails with status 4 if
// they never are. Without wait, it fails with status 5 if more than n are
// running, and otherwise stays 100ms.
func gate(dir string, n int, wait bool) int {
	me := filepath.Join(dir, strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(me, nil, 0o600); err != nil {
		return 3
	}
	defer os.Remove(me)
	running := func() int {
		entries, _ := os.ReadDir(dir)
		return len(entries)
	}
	if !wait {
		if running() > n {
			return 5
		}
		time.Sleep(100 * time.Millisecond)
		return 0
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if running() >= n {
			time.Sleep(50 * time.Millisecond) // let the others see it too
			return 0
		}
	}
	return 4
}

func helperArgv(n int, mode, arg string) [][]string {
	argv := make([][]string, n)
	for i := range argv {
		argv[i] = []string{os.Args[0], "-e01-helper", mode, arg}
	}
	return argv
}

func TestPeakInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, c := range []struct{ tasks, workers int }{{20, 4}, {3, 8}, {5, 1}} {
			var tr tracked
			res := RunGoroutines(sleepTasks(c.tasks, 10*time.Millisecond, &tr), c.workers)
			want := min(c.tasks, c.workers)
			if tr.peak != want {
				t.Errorf("%d tasks, %d workers: %d tasks ran at once, want %d", c.tasks, c.workers, tr.peak, want)
			}
			if res.PeakInFlight != tr.peak {
				t.Errorf("%d tasks, %d workers: Result.PeakInFlight = %d, but %d ran at once", c.tasks, c.workers, res.PeakInFlight, tr.peak)
			}
		}
	})
}

func TestMemoryFigures(t *testing.T) {
	var sink [][]byte
	var mu sync.Mutex
	tasks := make([]func(), 4)
	for i := range tasks {
		tasks[i] = func() {
			b := make([]byte, 1<<20)
			mu.Lock()
			sink = append(sink, b)
			mu.Unlock()
		}
	}
	res := RunGoroutines(tasks, 2)
	if res.AllocBytes < 4<<20 {
		t.Errorf("4 tasks allocating 1 MiB each: AllocBytes = %d, want ≥ %d", res.AllocBytes, 4<<20)
	}
	if res.MaxRSSKB == 0 {
		t.Errorf("RunGoroutines: MaxRSSKB = 0, want this process's peak RSS")
	}
	_ = sink
}

// spinTask burns CPU for a fixed amount of work (several milliseconds).
func spinTask() {
	h := uint32(1)
	for range 2_000_000 {
		h ^= h << 13
		h ^= h >> 17
		h ^= h << 5
	}
	if h == 0 {
		panic("unreachable")
	}
}

// TestCPUSpeedup: 4 CPU-bound tasks on 2 workers must run on 2 Ps at once
// (see checkParallel: the scheduler's trace, not the clock, so a busy
// machine neither fails parallel code nor passes serial code).
func TestCPUSpeedup(t *testing.T) {
	tasks := []func(){spinTask, spinTask, spinTask, spinTask}
	checkParallel(t, func() {
		start := time.Now()
		res := RunGoroutines(tasks, 2)
		if took := time.Since(start); res.Wall > took {
			t.Errorf("Result.Wall = %v, but the call took only %v", res.Wall, took)
		}
	})
}

// TestProcessesParallel: 4 children on 4 workers must all be alive at the
// same moment (each waits for the others), and 6 children on 2 workers must
// never be more than 2 at once.
func TestProcessesParallel(t *testing.T) {
	res, err := RunProcesses(t.Context(), helperArgv(4, "gate", t.TempDir()+":4"), 4)
	if err != nil {
		t.Fatalf("4 children on 4 workers never ran all at once (each exits 4 after waiting 10s for the others): %v", err)
	}
	if res.PeakInFlight != 4 {
		t.Errorf("4 children on 4 workers: PeakInFlight = %d, want 4", res.PeakInFlight)
	}

	res, err = RunProcesses(t.Context(), helperArgv(6, "cap", t.TempDir()+":2"), 2)
	if err != nil {
		t.Fatalf("6 children on 2 workers: more than 2 ran at once (exit status 5): %v", err)
	}
	if res.PeakInFlight != 2 {
		t.Errorf("6 children on 2 workers: PeakInFlight = %d, want 2", res.PeakInFlight)
	}
}

// TestProcessesSerialTime: on 1 worker, 3 children sleeping 200ms each take
// at least 540ms, and Result.Wall says so.
func TestProcessesSerialTime(t *testing.T) {
	const d = 200 * time.Millisecond
	start := time.Now()
	res, err := RunProcesses(t.Context(), helperArgv(3, "sleep", d.String()), 1)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("RunProcesses: %v", err)
	}
	if res.PeakInFlight != 1 {
		t.Errorf("3 children on 1 worker: PeakInFlight = %d, want 1", res.PeakInFlight)
	}
	if min := 3 * d * 9 / 10; res.Wall < min || res.Wall > took {
		t.Errorf("3 children sleeping %v on 1 worker: Result.Wall = %v, want between %v and the %v the call took", d, res.Wall, min, took)
	}
}

func TestProcessesMemory(t *testing.T) {
	res, err := RunProcesses(t.Context(), helperArgv(2, "touch", "32"), 2)
	if err != nil {
		t.Fatalf("RunProcesses: %v", err)
	}
	if res.MaxRSSKB < 32<<10 {
		t.Errorf("children touching 32 MiB: MaxRSSKB = %d KiB, want ≥ %d (use the finished process's rusage)", res.MaxRSSKB, 32<<10)
	}
}

func TestProcessesErrors(t *testing.T) {
	argv := append(helperArgv(2, "exit", "0"), helperArgv(1, "exit", "3")...)
	_, err := RunProcesses(t.Context(), argv, 2)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
		t.Errorf("a child exiting with status 3: error = %v, want one wrapping an *exec.ExitError with code 3", err)
	}
}

func TestProcessesCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := RunProcesses(ctx, helperArgv(2, "sleep", "20s"), 2)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("RunProcesses after cancel returned nil error")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("deadlock: RunProcesses still waiting 5s after its context was cancelled: the children must be killed (exec.CommandContext)")
	}
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
