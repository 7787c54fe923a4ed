package prodcons

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// The test binary doubles as the child for ProduceConsumeProc: started as
// "<binary> -e03-helper square|hang [pidfile]".
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "-e03-helper" {
		os.Exit(helper(os.Args[2:]))
	}
	os.Exit(m.Run())
}

func helper(args []string) int {
	in := json.NewDecoder(bufio.NewReader(os.Stdin))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	switch args[0] {
	case "square": // answer every request, in order
		for {
			var r Request
			if err := in.Decode(&r); err != nil {
				return 0
			}
			enc.Encode(Response{N: r.N, Result: r.N * r.N})
		}
	case "hang": // write our pid, read everything, answer nothing
		os.WriteFile(args[1], []byte(strconv.Itoa(os.Getpid())), 0o600)
		for {
			var r Request
			if err := in.Decode(&r); err != nil {
				break
			}
		}
		time.Sleep(30 * time.Second)
	}
	return 0
}

// TestQueueBounded: with slow consumers, producers may run ahead by at most
// the queue size (plus one item in the hands of each producer and consumer).
func TestQueueBounded(t *testing.T) {
	const producers, consumers, per, buf = 3, 2, 50, 4
	pr := newProbe()
	within(t, 10*time.Second, "ProduceConsume", func() {
		ProduceConsume(t.Context(), producers, consumers, per, buf, pr.gen, pr.f(time.Millisecond))
	})
	if limit := buf + producers + consumers; pr.maxQueue > limit {
		t.Errorf("producers ran %d items ahead of the consumers, want ≤ %d (queue of %d): is the queue bounded?", pr.maxQueue, limit, buf)
	}
}

// TestManyProducers hammers the close logic: many short producers, run many
// times under -race.
func TestManyProducers(t *testing.T) {
	for range 20 {
		pr := newProbe()
		got, err := ProduceConsume(t.Context(), 16, 3, 5, 2, pr.gen, pr.f(0))
		if err != nil {
			t.Fatalf("ProduceConsume: %v", err)
		}
		checkExactlyOnce(t, pr, got, 16, 5)
	}
}

func TestCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(25*time.Millisecond, cancel)
		pr := newProbe()
		var err error
		start := time.Now()
		within(t, time.Hour, "ProduceConsume after cancel", func() {
			_, err = ProduceConsume(ctx, 2, 2, 1000, 3, pr.gen, pr.f(10*time.Millisecond))
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error after cancel = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 40*time.Millisecond {
			t.Errorf("ProduceConsume returned %v after start, want soon after the cancel at 25ms", d)
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

func TestNoLeaks(t *testing.T) {
	base := runtime.NumGoroutine()
	pr := newProbe()
	ProduceConsume(t.Context(), 3, 2, 20, 2, pr.gen, pr.f(0))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	ProduceConsume(ctx, 3, 2, 100_000, 2, pr.gen, pr.f(time.Millisecond))
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after ProduceConsume returned (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func helperArgv(mode string, extra ...string) []string {
	return append([]string{os.Args[0], "-e03-helper", mode}, extra...)
}

func TestProcOrder(t *testing.T) {
	items := []int{5, -3, 0, 12, 7, 7, 100}
	got, err := ProduceConsumeProc(t.Context(), helperArgv("square"), items)
	if err != nil {
		t.Fatalf("ProduceConsumeProc: %v", err)
	}
	want := []int{25, 9, 0, 144, 49, 49, 10000}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ProduceConsumeProc(%v) = %v, want %v", items, got, want)
	}
}

// TestProcLargeInput sends far more than a pipe buffer holds in each
// direction. Writing everything before reading deadlocks here.
func TestProcLargeInput(t *testing.T) {
	items := make([]int, 50_000)
	for i := range items {
		items[i] = i
	}
	done := make(chan struct{})
	var got []int
	var err error
	go func() {
		defer close(done)
		got, err = ProduceConsumeProc(t.Context(), helperArgv("square"), items)
	}()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("deadlock: 50000 items through the helper did not finish in 15s: write to stdin and read stdout at the same time")
	}
	if err != nil {
		t.Fatalf("ProduceConsumeProc: %v", err)
	}
	if len(got) != len(items) || got[49_999] != 49_999*49_999 {
		t.Errorf("got %d results, want %d squares in order", len(got), len(items))
	}
}

func TestProcKilledOnCancel(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := ProduceConsumeProc(ctx, helperArgv("hang", pidFile), []int{1, 2, 3})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("ProduceConsumeProc after cancel returned nil error")
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("deadlock: ProduceConsumeProc still running 10s after cancel: kill the helper (exec.CommandContext)")
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the helper never started: %v", err)
	}
	pid, _ := strconv.Atoi(string(data))
	if err := syscall.Kill(pid, 0); err == nil {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("leak: helper process %d is still alive after ProduceConsumeProc returned", pid)
	}
}
