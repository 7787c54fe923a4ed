package cp04safecounter

import "sync"

// Counter counts strings. It is safe for use by many goroutines.
type Counter struct {
	mu     sync.Mutex
	counts map[string]int // guarded by mu
}

// Inc adds one to key.
func (c *Counter) Inc(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[key]++
}

// Get returns the count of key.
func (c *Counter) Get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}
