// Package stream aggregates a live stream of events in tumbling time windows,
// spreading the work over several goroutines.
package stream

import (
	"context"
	"hash/fnv"
	"maps"
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

// shardMsg is either an event for a shard, or (flush != nil) a request to
// hand over the shard's window and start a new one.
type shardMsg struct {
	ev    Event
	flush chan<- map[string]Stats
}

// ProcessStream reads events from in and, at the end of every window (a
// tumbling window measured from the call), sends the per-key statistics of
// the events received during that window. Windows without events are
// skipped. Each key always goes to the same one of workers goroutines, so
// its events are aggregated in arrival order.
//
// When in is closed, the current window is sent at once and the output is
// closed. When ctx is cancelled, the output is closed without a final send.
func ProcessStream(ctx context.Context, in <-chan Event, window time.Duration, workers int) <-chan map[string]Stats {
	out := make(chan map[string]Stats)
	shards := make([]chan shardMsg, max(1, workers))
	var wg sync.WaitGroup
	for i := range shards {
		shards[i] = make(chan shardMsg, 64)
		wg.Go(func() { runShard(shards[i]) })
	}

	go func() {
		defer close(out)
		defer func() {
			for _, s := range shards {
				close(s)
			}
			wg.Wait()
		}()

		ticker := time.NewTicker(window)
		defer ticker.Stop()
		pending := false // did the current window get any event?

		// flush collects the window from every shard and sends it. It
		// reports false if ctx ended first.
		flush := func() bool {
			if !pending {
				return true
			}
			pending = false
			reply := make(chan map[string]Stats, len(shards))
			for _, s := range shards {
				s <- shardMsg{flush: reply}
			}
			merged := make(map[string]Stats)
			for range shards {
				maps.Copy(merged, <-reply) // shards hold disjoint keys
			}
			select {
			case out <- merged:
				return true
			case <-ctx.Done():
				return false
			}
		}

		for {
			select {
			case ev, ok := <-in:
				if !ok {
					flush()
					return
				}
				shards[shardOf(ev.Key, len(shards))] <- shardMsg{ev: ev}
				pending = true
			case <-ticker.C:
				if !flush() {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// shardOf picks the shard for a key, always the same one.
func shardOf(key string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// runShard owns one shard's window. It is the only goroutine that touches
// cur, so cur needs no lock.
func runShard(msgs <-chan shardMsg) {
	cur := make(map[string]Stats)
	for m := range msgs {
		if m.flush != nil {
			m.flush <- cur
			cur = make(map[string]Stats)
			continue
		}
		cur[m.ev.Key] = cur[m.ev.Key].add(m.ev.Value)
	}
}
