package cp05gatherlimit

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGatherLimitJoinsAndRecovers(t *testing.T) {
	bad := errors.New("bad")
	var ran atomic.Int64
	err := GatherLimit(2,
		func() error { ran.Add(1); return bad },
		func() error { ran.Add(1); panic("boom") },
		func() error { ran.Add(1); return nil },
	)
	if ran.Load() != 3 {
		t.Fatalf("%d tasks ran, want 3", ran.Load())
	}
	if !errors.Is(err, bad) {
		t.Errorf("err = %v; it should wrap the task's error", err)
	}
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v; it should mention the panic", err)
	}
}

func TestGatherLimitBound(t *testing.T) {
	var inFlight, peak atomic.Int64
	task := func() error {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
		return nil
	}
	tasks := make([]func() error, 40)
	for i := range tasks {
		tasks[i] = task
	}
	if err := GatherLimit(3, tasks...); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 3 {
		t.Fatalf("%d tasks at once, want at most 3", p)
	}
}
