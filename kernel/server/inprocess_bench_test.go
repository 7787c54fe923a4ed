package server

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

// BenchmarkInProcessRoundTrip runs the kernel in this process, so that
// -cpuprofile sees it: go test ./kernel/server -run '^$' -bench InProcess -cpuprofile cpu.out
func BenchmarkInProcessRoundTrip(b *testing.B) {
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
	defer func() { cancel(); <-done }()
	k, err := kerneltest.Attach(ctx, conn)
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
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
