package stream

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// TestCloseFlushes: closing in sends the unfinished window at once.
func TestCloseFlushes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ms := time.Millisecond
		events := []timed{{10 * ms, Event{"x", 4}}, {20 * ms, Event{"x", 6}}, {30 * ms, Event{"y", 1}}}
		got, closed, _ := run(t, events, 40*ms, 0, time.Second, 2)
		if !closed {
			t.Errorf("deadlock: the output was not closed after in was closed")
		}
		checkWindows(t, got, []received{{40 * ms, map[string]Stats{"x": stats(4, 6), "y": stats(1)}}})
	})
}

// TestPerKeyOrder: 20 keys, arriving in bursts of 10, over 4 workers; every
// key's Last must be its final value, so each key's events were aggregated
// in order.
func TestPerKeyOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var events []timed
		for i := range 2000 {
			events = append(events, timed{0, Event{fmt.Sprintf("k%02d", i/10%20), float64(i)}})
		}
		got, closed, _ := run(t, events, 0, 0, time.Hour, 4)
		if !closed {
			t.Errorf("deadlock: the output was not closed after in was closed")
		}
		if len(got) != 1 {
			t.Fatalf("got %d windows, want 1 (flushed when in closed)", len(got))
		}
		for k := range 20 {
			key := fmt.Sprintf("k%02d", k)
			s := got[0].m[key]
			first, last := float64(10*k), float64(1800+10*k+9)
			if s.Count != 100 || s.Last != last || s.Min != first || s.Max != last {
				t.Errorf("%s: %+v, want Count 100, Min %v, Max and Last %v", key, s, first, last)
			}
		}
	})
}

// TestCancelClosesOutput: cancelling ctx closes the output even while in
// stays open.
func TestCancelClosesOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ms := time.Millisecond
		events := []timed{{10 * ms, Event{"a", 1}}, {120 * ms, Event{"a", 2}}}
		got, closed, end := run(t, events, -1, 150*ms, 100*ms, 2)
		if !closed {
			t.Fatalf("deadlock: the output was not closed after ctx was cancelled")
		}
		if end != 150*ms {
			t.Errorf("output closed at %v, want at the cancel (150ms)", end)
		}
		checkWindows(t, got, []received{{100 * ms, map[string]Stats{"a": stats(1)}}})
	})
}
