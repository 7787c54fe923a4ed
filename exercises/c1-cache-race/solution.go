// Package cache is a read-through cache in front of a slow database.
package cache

import "sync"

// Cache remembers the values that its load function returns.
// It is safe for concurrent use, and loads each key at most once.
type Cache struct {
	load func(key string) string

	mu      sync.Mutex
	entries map[string]*entry
}

// entry is one cached value. ready is closed once val is set.
type entry struct {
	ready chan struct{}
	val   string
}

// NewCache returns an empty cache that calls load on a miss.
func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load, entries: make(map[string]*entry)}
}

// Get returns the value for key, loading it on the first request.
// Concurrent Gets of the same key wait for a single load; Gets of
// different keys load in parallel, because the lock is never held
// while loading.
func (c *Cache) Get(key string) string {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &entry{ready: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()

	if ok {
		<-e.ready
		return e.val
	}
	e.val = c.load(key)
	close(e.ready)
	return e.val
}
