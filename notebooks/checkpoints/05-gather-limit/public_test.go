package cp05gatherlimit

import (
	"errors"
	"sync/atomic"
	"testing"
)

func TestGatherLimitNoErrors(t *testing.T) {
	if err := GatherLimit(2, func() error { return nil }, func() error { return nil }, func() error { return nil }); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

// TestGatherLimitReportsFailure: every task runs, and a failing task's
// error comes back (wrapped or joined) even when the others succeed.
func TestGatherLimitReportsFailure(t *testing.T) {
	late := errors.New("the last task failed")
	var ran atomic.Int64
	ok := func() error { ran.Add(1); return nil }
	err := GatherLimit(2, ok, ok, ok, ok, func() error { ran.Add(1); return late })
	if n := ran.Load(); n != 5 {
		t.Fatalf("%d of 5 tasks ran; GatherLimit must run every task before it returns", n)
	}
	if !errors.Is(err, late) {
		t.Fatalf("err = %v; want the failing task's error (errors.Is)", err)
	}
}
