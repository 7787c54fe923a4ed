package retry

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// cpFailing returns an op that fails n times, then succeeds, and records
// when (on the bubble's clock) each call happened.
func cpFailing(n int, calls *[]time.Time) func() error {
	return func() error {
		*calls = append(*calls, time.Now())
		if len(*calls) <= n {
			return fmt.Errorf("failure %d", len(*calls))
		}
		return nil
	}
}

// Four failures, five attempts, base 1s: the waits are 1s, 2s, 4s, 8s.
func TestBackoffWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls []time.Time
		err := Retry(context.Background(), 5, time.Second, cpFailing(4, &calls))
		if err != nil {
			t.Fatalf("Retry = %v, want nil (the fifth attempt succeeds)", err)
		}
		if len(calls) != 5 {
			t.Fatalf("op was called %d times, want 5", len(calls))
		}
		for i := 1; i < len(calls); i++ {
			want := time.Second << (i - 1)
			if got := calls[i].Sub(calls[i-1]); got != want {
				t.Errorf("wait before attempt %d: %v, want %v", i+1, got, want)
			}
		}
	})
}

func TestSucceedsEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls []time.Time
		start := time.Now()
		if err := Retry(context.Background(), 3, time.Second, cpFailing(0, &calls)); err != nil || len(calls) != 1 {
			t.Errorf("an op that succeeds at once: Retry = %v after %d calls, want nil after 1", err, len(calls))
		}
		if took := time.Since(start); took != 0 {
			t.Errorf("Retry took %v for an op that succeeded at once, want no wait", took)
		}
		calls = nil
		err := Retry(context.Background(), 3, time.Second, cpFailing(10, &calls))
		if err == nil || err.Error() != "failure 3" || len(calls) != 3 {
			t.Errorf("3 attempts of an op that keeps failing: Retry = %v after %d calls, want the last error (failure 3) after 3", err, len(calls))
		}
	})
}
