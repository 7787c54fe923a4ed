package server

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

// BenchmarkInProcessRoundTrip runs the kernel in this process, so that
// -cpuprofile sees it: go test ./kernel/server -run '^$' -bench InProcess -cpuprofile cpu.out
// The worker writes its own profile with GOPHERLAB_WORKER_CPUPROFILE=file.
func BenchmarkInProcessRoundTrip(b *testing.B) {
	k, ctx := inProcess(b)
	for range 50 {
		k.Execute(ctx, "1+1")
	}
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := k.Execute(ctx, "1+1"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/float64(b.N), "µs/cell")
}

// BenchmarkInProcessPrint10000Lines is BenchmarkPrint10000Lines with the
// kernel in this process.
func BenchmarkInProcessPrint10000Lines(b *testing.B) {
	k, ctx := inProcess(b)
	if _, err := k.Execute(ctx, `import "fmt"`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := k.Execute(ctx, "for i := 0; i < 10000; i++ {\n\tfmt.Println(\"line\", i)\n}")
		if err != nil {
			b.Fatal(err)
		}
		if n := strings.Count(r.Stdout(), "\n"); n != 10000 {
			b.Fatalf("%d lines delivered, want 10000", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/cell")
}

// inProcess runs a kernel in this process, with a client attached, until
// the benchmark ends.
func inProcess(b *testing.B) (*kerneltest.Kernel, context.Context) {
	dir := b.TempDir()
	bin, err := kerneltest.Build(dir)
	if err != nil {
		b.Fatal(err)
	}
	conn, err := kerneltest.FreeConnection()
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Conn: conn, Worker: []string{bin, "worker"}, Log: os.Stderr}) }()
	b.Cleanup(func() { cancel(); <-done })
	k, err := kerneltest.Attach(ctx, conn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	return k, ctx
}
