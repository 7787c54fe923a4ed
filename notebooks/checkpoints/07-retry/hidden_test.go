package retry

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestCancelDuringWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		var calls []time.Time
		start := time.Now()
		err := Retry(ctx, 10, time.Second, cpFailing(100, &calls))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Retry = %v, want the context's error", err)
		}
		if took := time.Since(start); took != 2500*time.Millisecond {
			t.Errorf("Retry returned %v after the start, want at the deadline (2.5s)", took)
		}
		if len(calls) != 2 {
			t.Errorf("op was called %d times before the deadline, want 2 (at 0s and 1s)", len(calls))
		}
	})
}

func TestNoWaitAfterLastAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls []time.Time
		start := time.Now()
		Retry(context.Background(), 3, time.Second, cpFailing(10, &calls))
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("3 failing attempts took %v, want 3s (waits of 1s and 2s, none after the last)", took)
		}
	})
}
