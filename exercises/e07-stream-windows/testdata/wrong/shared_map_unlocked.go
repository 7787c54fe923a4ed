// want: race
// want-test: TestPerKeyOrder

// Workers share one window map and update it without a lock.
package stream

import (
	"context"
	"sync"
	"time"
)

// Event is one measurement.
type Event struct {
	Key   string
	Value float64
}

// Stats summarises the events of one key in one window.
type Stats struct {
	Count         int
	Sum, Min, Max float64
	Last          float64 // value of the key's latest event in the window
}

func (s Stats) add(v float64) Stats {
	if s.Count == 0 {
		s.Min, s.Max = v, v
	}
	s.Count++
	s.Sum += v
	s.Min, s.Max = min(s.Min, v), max(s.Max, v)
	s.Last = v
	return s
}

// A pool of workers takes events from one shared channel and updates one
// shared map.
func ProcessStream(ctx context.Context, in <-chan Event, window time.Duration, workers int) <-chan map[string]Stats {
	out := make(chan map[string]Stats)
	events := make(chan Event)
	var (
		mu  sync.Mutex
		cur = make(map[string]Stats)
		wg  sync.WaitGroup
	)
	for range max(1, workers) {
		wg.Go(func() {
			for ev := range events {
				cur[ev.Key] = cur[ev.Key].add(ev.Value)
			}
		})
	}
	take := func() map[string]Stats {
		mu.Lock()
		defer mu.Unlock()
		m := cur
		cur = make(map[string]Stats)
		return m
	}
	go func() {
		defer close(out)
		ticker := time.NewTicker(window)
		defer ticker.Stop()
		send := func(m map[string]Stats) bool {
			if len(m) == 0 {
				return true
			}
			select {
			case out <- m:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			select {
			case ev, ok := <-in:
				if !ok {
					close(events)
					wg.Wait()
					send(take())
					return
				}
				events <- ev
			case <-ticker.C:
				if !send(take()) {
					close(events)
					wg.Wait()
					return
				}
			case <-ctx.Done():
				close(events)
				wg.Wait()
				return
			}
		}
	}()
	return out
}
