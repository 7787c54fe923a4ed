package cp05orderedpool

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolBound(t *testing.T) {
	var inFlight, peak atomic.Int64
	xs := make([]int, 60)
	MapPool(xs, 3, func(x int) int {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
		return x
	})
	if p := peak.Load(); p > 3 {
		t.Fatalf("%d calls of f at once, want at most 3", p)
	}
}

func TestPoolUsesWorkers(t *testing.T) {
	var started sync.WaitGroup
	started.Add(3)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	var once [3]sync.Once
	var stuck atomic.Bool
	MapPool([]int{0, 1, 2}, 3, func(x int) int {
		once[x].Do(started.Done)
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			stuck.Store(true)
		}
		return x
	})
	if stuck.Load() {
		t.Fatal("3 workers did not run 3 jobs at the same time")
	}
}
