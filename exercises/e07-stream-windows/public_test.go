package stream

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"testing/synctest"
	"time"
)

type timed struct {
	at time.Duration
	ev Event
}

type received struct {
	at time.Duration
	m  map[string]Stats
}

// feed sends each event at its time (from start) and closes in at closeAt
// (never if closeAt < 0). It gives up when ctx is done.
func feed(ctx context.Context, start time.Time, in chan<- Event, events []timed, closeAt time.Duration) {
	for _, e := range events {
		time.Sleep(time.Until(start.Add(e.at)))
		select {
		case in <- e.ev:
		case <-ctx.Done():
			return
		}
	}
	if closeAt < 0 {
		return
	}
	time.Sleep(time.Until(start.Add(closeAt)))
	close(in)
}

// collect reads out until it is closed, or until nothing arrives for idle
// (then closed is false).
func collect(start time.Time, out <-chan map[string]Stats, idle time.Duration) (got []received, closed bool) {
	for {
		select {
		case m, ok := <-out:
			if !ok {
				return got, true
			}
			got = append(got, received{time.Since(start), m})
		case <-time.After(idle):
			return got, false
		}
	}
}

// run starts ProcessStream in a synctest bubble, feeds it and collects the
// output. It always cancels and drains before returning, so that even a
// broken solution leaves no goroutine behind.
func run(t *testing.T, events []timed, closeAt, cancelAt, window time.Duration, workers int) ([]received, bool, time.Duration) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	start := time.Now()
	in := make(chan Event)
	if cancelAt > 0 {
		time.AfterFunc(cancelAt, cancel)
	}
	out := ProcessStream(ctx, in, window, workers)
	go feed(ctx, start, in, events, closeAt)
	got, closed := collect(start, out, 10*window+time.Second)
	end := time.Since(start)
	cancel()
	if !closed {
		go func() {
			for range out {
			}
		}()
	}
	synctest.Wait()
	return got, closed, end
}

// stats is the expected summary of vals (computed here, independently of
// the solution).
func stats(vals ...float64) Stats {
	s := Stats{Count: len(vals), Min: vals[0], Max: vals[0], Last: vals[len(vals)-1]}
	for _, v := range vals {
		s.Sum += v
		s.Min = min(s.Min, v)
		s.Max = max(s.Max, v)
	}
	return s
}

// TestTumblingWindows is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestTumblingWindows(t *testing.T) {
	ms := time.Millisecond
	events := []timed{
		{10 * ms, Event{"a", 1}}, {20 * ms, Event{"b", 5}}, {30 * ms, Event{"a", 2}},
		{150 * ms, Event{"a", 3}}, {160 * ms, Event{"c", 7}}, {170 * ms, Event{"c", -1}},
		{350 * ms, Event{"b", 1}},
	}
	want := []received{
		{100 * ms, map[string]Stats{"a": stats(1, 2), "b": stats(5)}},
		{200 * ms, map[string]Stats{"a": stats(3), "c": stats(7, -1)}},
		{400 * ms, map[string]Stats{"b": stats(1)}},
	}
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got, closed, end := run(t, events, 420*ms, 0, 100*ms, workers)
				if !closed {
					t.Errorf("deadlock: the output was not closed after in was closed at 420ms")
				}
				checkWindows(t, got, want)
				if closed && end != 420*ms {
					t.Errorf("output closed at %v, want 420ms (when in was closed)", end)
				}
			})
		})
	}
}

func checkWindows(t *testing.T, got, want []received) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d windows, want %d:\n got  %v\n want %v", len(got), len(want), got, want)
		return
	}
	for i := range want {
		if got[i].at != want[i].at || !maps.Equal(got[i].m, want[i].m) {
			t.Errorf("window %d: got %v at %v, want %v at %v", i, got[i].m, got[i].at, want[i].m, want[i].at)
		}
	}
}
