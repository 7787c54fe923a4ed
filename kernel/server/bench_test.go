package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

// The kernel's figures, as a table: go test ./kernel/server -run '^$' -bench . -benchtime 300x
//
// Each benchmark reports its figure as a custom metric (ms or MB), beside
// the usual ns/op.
//
// Before and after, in the same run: GOPHERLAB_BENCH_BASELINE=/path/to/an/older/gopherlab
// runs each benchmark twice, as binary=baseline and binary=current. With
// -count N, go test runs the N baselines first and then the N currents; on a
// busy machine, whose load drifts, rather repeat `go test -count 1` N times
// so that the two alternate, and take the medians.
//
// The round trips report median-ms and p95-ms, and cpu-ms: the CPU time of
// kernel and worker per cell, which the load distorts less than the clock.

// benchBin is the binary the running benchmark measures.
var benchBin string

// binaries runs f for the binary under test, and first for the baseline
// binary when GOPHERLAB_BENCH_BASELINE names one.
func binaries(b *testing.B, f func(b *testing.B)) {
	base := os.Getenv("GOPHERLAB_BENCH_BASELINE")
	if base == "" {
		benchBin = bin
		f(b)
		return
	}
	for _, c := range []struct{ name, exe string }{{"baseline", base}, {"current", bin}} {
		b.Run("binary="+c.name, func(b *testing.B) {
			benchBin = c.exe
			f(b)
		})
	}
}

func startBench(b *testing.B) *kerneltest.Kernel {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	k, err := kerneltest.Start(ctx, benchBin, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	return k
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkStart: from starting the kernel process to its first
// kernel_info_reply.
func BenchmarkStart(b *testing.B) { binaries(b, benchStart) }

func benchStart(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		k, err := kerneltest.Start(ctx, benchBin, b.TempDir())
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
		b.StopTimer()
		k.Close()
		b.StartTimer()
	}
	b.ReportMetric(ms(total)/float64(b.N), "ms/start")
}

// BenchmarkRoundTrip: execute `1+1` and wait for its idle status.
func BenchmarkRoundTrip(b *testing.B) {
	binaries(b, func(b *testing.B) { benchRoundTrip(b, startBench(b)) })
}

// BenchmarkRoundTripFrontEndOff: the same with yaegi alone, to measure what
// the cell front end costs.
func BenchmarkRoundTripFrontEndOff(b *testing.B) { binaries(b, benchRoundTripFrontEndOff) }

func benchRoundTripFrontEndOff(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	k, err := kerneltest.Start(ctx, benchBin, b.TempDir(), "GOPHERLAB_FRONTEND=off")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	benchRoundTrip(b, k)
}

func benchRoundTrip(b *testing.B, k *kerneltest.Kernel) {
	ctx := context.Background()
	for range 20 { // warm up
		k.Execute(ctx, "1+1")
	}
	times := make([]time.Duration, 0, b.N)
	cpu0 := kernelCPU(b, k)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r, err := k.Execute(ctx, "1+1")
		times = append(times, time.Since(t0))
		if err != nil || r.Value() != "2" {
			b.Fatalf("1+1 = %q, %v", r.Value(), err)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
	b.ReportMetric(ms(kernelCPU(b, k)-cpu0)/float64(b.N), "cpu-ms")
}

// kernelCPU returns the CPU time the kernel and its worker have used. On a
// busy machine it is steadier than the time on the clock.
func kernelCPU(b *testing.B, k *kerneltest.Kernel) time.Duration {
	var total time.Duration
	for _, pid := range append([]int{k.Cmd.Process.Pid}, children(k.Cmd.Process.Pid)...) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatal(err)
		}
		// The fields after the command name, which is in parentheses:
		// utime and stime are the 12th and 13th, in clock ticks (1/100 s).
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		for _, v := range f[11:13] {
			n, _ := strconv.Atoi(v)
			total += time.Duration(n) * 10 * time.Millisecond
		}
	}
	return total
}

// BenchmarkPrint10000Lines: a cell that prints 10,000 lines, until idle,
// with every line delivered.
func BenchmarkPrint10000Lines(b *testing.B) { binaries(b, benchPrint10000Lines) }

func benchPrint10000Lines(b *testing.B) {
	k := startBench(b)
	ctx := context.Background()
	if _, err := k.Execute(ctx, `import "fmt"`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	benchPrint(b, k)
}

// benchPrint runs a cell that prints 10,000 lines b.N times, checks that
// every line arrived, and reports the time per cell.
func benchPrint(b *testing.B, k *kerneltest.Kernel) {
	ctx := context.Background()
	var total time.Duration
	cpu0 := kernelCPU(b, k)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r, err := k.Execute(ctx, "for i := 0; i < 10000; i++ {\n\tfmt.Println(\"line\", i)\n}")
		total += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if n := strings.Count(r.Stdout(), "\n"); n != 10000 {
			b.Fatalf("%d lines delivered, want 10000", n)
		}
	}
	b.ReportMetric(ms(total)/float64(b.N), "ms/cell")
	b.ReportMetric(ms(kernelCPU(b, k)-cpu0)/float64(b.N), "cpu-ms")
}

func benchInterrupt(b *testing.B, cell string) {
	k := startBench(b)
	ctx := context.Background()
	if _, err := k.Execute(ctx, "kept := 42"); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m, ch, err := k.StartExecute(cell)
		if err != nil {
			b.Fatal(err)
		}
		if err := k.Started(ctx, m); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if err := k.Interrupt(ctx); err != nil {
			b.Fatal(err)
		}
		r, err := k.Wait(ctx, m, ch)
		total += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if name, _, _, _ := r.Error(); name != "Interrupted" {
			b.Fatalf("interrupted cell: error %q", name)
		}
	}
	b.StopTimer()
	if r, _ := k.Execute(ctx, "kept"); r.Value() != "42" {
		b.Fatalf("state lost after interrupts: kept = %q", r.Value())
	}
	b.ReportMetric(ms(total)/float64(b.N), "ms/interrupt")
}

// BenchmarkInterruptSpin: interrupt `for {}` until its reply.
func BenchmarkInterruptSpin(b *testing.B) {
	binaries(b, func(b *testing.B) { benchInterrupt(b, "for {\n}") })
}

// BenchmarkInterruptReceive: interrupt `<-make(chan int)` until its reply.
func BenchmarkInterruptReceive(b *testing.B) {
	binaries(b, func(b *testing.B) { benchInterrupt(b, "<-make(chan int)") })
}

// BenchmarkIdleRSS: resident memory of the kernel and its worker at idle.
// RSS counts the pages of the binary, which the two processes share, twice;
// PSS shares them out.
//
// PSS-MB and RSS-MB are read right after the first cell, before the worker
// has been idle for long; idle-PSS-MB a second later, once it has been;
// used-PSS-MB after 300 more cells and a second of quiet: what a session
// in use keeps.
func BenchmarkIdleRSS(b *testing.B) { binaries(b, benchIdleRSS) }

func benchIdleRSS(b *testing.B) {
	k := startBench(b)
	ctx := context.Background()
	if _, err := k.Execute(ctx, "1+1"); err != nil {
		b.Fatal(err)
	}
	var rss, pss int
	for i := 0; i < b.N; i++ {
		rss, pss = kernelMemory(b, k)
	}
	b.StopTimer()
	b.ReportMetric(float64(rss)/1024, "RSS-MB")
	b.ReportMetric(float64(pss)/1024, "PSS-MB")
	time.Sleep(time.Second)
	_, pss = kernelMemory(b, k)
	b.ReportMetric(float64(pss)/1024, "idle-PSS-MB")
	for range 300 {
		if _, err := k.Execute(ctx, "1+1"); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(time.Second)
	_, pss = kernelMemory(b, k)
	b.ReportMetric(float64(pss)/1024, "used-PSS-MB")
}

// kernelMemory returns the RSS and PSS, in kB, of the kernel and its worker.
func kernelMemory(b *testing.B, k *kerneltest.Kernel) (rss, pss int) {
	pids := append([]int{k.Cmd.Process.Pid}, children(k.Cmd.Process.Pid)...)
	if len(pids) != 2 {
		b.Fatalf("kernel and worker are %d processes", len(pids))
	}
	for _, pid := range pids {
		rss += memKB(b, fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
		pss += memKB(b, fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:")
	}
	return rss, pss
}

// memKB reads a "Name:   123 kB" line of a /proc file.
func memKB(b *testing.B, file, name string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	b.Fatalf("no %s in %s", name, file)
	return 0
}

func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(data)) {
			n, _ := strconv.Atoi(f)
			out = append(out, n)
		}
	}
	return out
}

// BenchmarkKernelInfo: a request the kernel answers without the worker, to
// tell the transport's share of the round trip from the worker's.
func BenchmarkKernelInfo(b *testing.B) { binaries(b, benchKernelInfo) }

func benchKernelInfo(b *testing.B) {
	k := startBench(b)
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m, err := k.Client.Request("kernel_info_request", map[string]any{})
		if err != nil {
			b.Fatal(err)
		}
		ch := k.Expect(m.Header.MsgID)
		if err := k.Client.Shell.Send(m); err != nil {
			b.Fatal(err)
		}
		if _, err := k.Await(ctx, m, ch); err != nil {
			b.Fatal(err)
		}
		if _, err := k.Outputs(ctx, m.Header.MsgID); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
}
