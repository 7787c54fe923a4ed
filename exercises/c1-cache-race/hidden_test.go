package cache

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// countingDB is a fake database that counts loads per key.
type countingDB struct {
	delay time.Duration

	mu    sync.Mutex
	loads map[string]int
}

func newCountingDB(delay time.Duration) *countingDB {
	return &countingDB{delay: delay, loads: make(map[string]int)}
}

func (db *countingDB) load(key string) string {
	db.mu.Lock()
	db.loads[key]++
	db.mu.Unlock()
	time.Sleep(db.delay)
	return "value-of-" + key
}

func (db *countingDB) count(key string) int {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.loads[key]
}

// getAll calls c.Get(keys[i]) from one goroutine per key and returns the results.
func getAll(t *testing.T, c *Cache, keys []string) []string {
	t.Helper()
	got := make([]string, len(keys))
	var start, wg sync.WaitGroup
	start.Add(1)
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			got[i] = c.Get(k)
		}()
	}
	start.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("deadlock: %d concurrent Gets did not return within 10s", len(keys))
	}
	return got
}

func TestConcurrentGets(t *testing.T) {
	db := newCountingDB(time.Millisecond)
	c := NewCache(db.load)
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i%10)
	}
	got := getAll(t, c, keys)
	for i, k := range keys {
		if want := "value-of-" + k; got[i] != want {
			t.Errorf("Get(%q) = %q, want %q", k, got[i], want)
		}
	}
}

func TestLoadOnce(t *testing.T) {
	db := newCountingDB(5 * time.Millisecond)
	c := NewCache(db.load)
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = "hot"
	}
	getAll(t, c, keys)
	if n := db.count("hot"); n != 1 {
		t.Errorf("100 concurrent Gets of one key loaded it %d times, want exactly once", n)
	}
	before := db.count("hot")
	c.Get("hot")
	if n := db.count("hot"); n != before {
		t.Errorf("a later Get of a cached key loaded it again")
	}
}

// TestNoLockDuringLoad catches a cache that holds one lock across the slow
// load: 100 distinct keys of 10 ms each must not take 100 × 10 ms.
func TestNoLockDuringLoad(t *testing.T) {
	const delay = 10 * time.Millisecond
	best := time.Duration(1<<63 - 1)
	for round := 0; round < 3 && best >= 5*delay; round++ {
		db := newCountingDB(delay)
		c := NewCache(db.load)
		keys := make([]string, 100)
		for i := range keys {
			keys[i] = fmt.Sprintf("r%d-k%d", round, i)
		}
		start := time.Now()
		got := getAll(t, c, keys)
		best = min(best, time.Since(start))
		for i, k := range keys {
			if want := "value-of-" + k; got[i] != want {
				t.Fatalf("Get(%q) = %q, want %q", k, got[i], want)
			}
		}
	}
	if limit := 5 * delay; best >= limit {
		t.Errorf("100 distinct keys with a %v load took %v (best of 3), want < %v: is a lock held while loading?", delay, best, limit)
	}
}
