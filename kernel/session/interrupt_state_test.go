package session

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestInterruptKeepsState interrupts a cell at varied moments, from before
// its declarations reach the interpreter to inside its statements, and
// checks after each that what earlier cells declared is still there.
func TestInterruptKeepsState(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, 1, "kept := 5"); err != nil {
		t.Fatal(err)
	}
	n := 2
	for round := range 200 {
		cctx, stop := context.WithCancel(ctx)
		delay := time.Duration(round%20) * 100 * time.Microsecond
		time.AfterFunc(delay, stop)
		s.Execute(cctx, n, "for {\n}")
		stop()
		// The worker waits this long for an interrupted cell to stop
		// before it gives up and restarts (losing the session).
		for start := time.Now(); !s.Stopped(); time.Sleep(time.Millisecond) {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("round %d (interrupt after %v): the cell still runs 2 s after the interrupt\n%s", round, delay, allStacks(1<<20))
			}
		}
		n++
		res, err := s.Execute(ctx, n, "kept")
		n++
		if err != nil || fmt.Sprint(res.Value) != "5" {
			t.Fatalf("round %d (interrupt after %v): kept = %v, %v", round, delay, res.Value, err)
		}
	}
}
